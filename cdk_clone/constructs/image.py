"""CloneImage: the custom image clones boot from, copied to the destination region when it differs."""

from __future__ import annotations

from cdk_clone._cdktf import Construct, create_construct
from cdk_clone.bindings import EcscloneImage, EcscloneImageCopy
from cdk_clone.constructs._tree import adopt, path_of, stack_of
from cdk_clone.constructs.providers import provider_for_region
from cdk_clone.lookup.snapshot import SourceInstance

__all__ = ["CloneImage"]


class CloneImage(Construct):
    """A custom image of a source instance (``ecsclone_image``), plus its copy in another region.

    ``image_id`` is the image the clones boot from: the copy when ``destination_region`` differs from the
    source's region, else the image itself. The image is named by the provider from its owner (the construct
    path in the stack's deployment): ``TemplateScratch-<source>-<8 hex digits of the owner key>``, the same on
    every run of one deployment and distinct between deployments; the copy takes the same name. With
    ``keep_images=False`` both are marked transient and ``transient_image_refs`` lists them in the form
    ``delete_images_after_launch`` expects. ``kms_key_id`` (a key of the destination region) encrypts the copy:
    an image of encrypted disks needs one to be copied.
    ``custom_image_id`` and ``copy_id`` (None without a copy) are the two images' ID tokens.

    Example::

        image = CloneImage(stack, "image", source=source, destination_region="cn-shanghai")
        EcscloneInstanceGroup(stack, "clones", image_id=image.image_id, ...)
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        source: SourceInstance,
        destination_region: str | None = None,
        stop_source_for_consistency: bool = False,
        keep_images: bool = True,
        kms_key_id: str | None = None,
    ) -> None:
        create_construct(self, scope, id)
        adopt(self, scope, id)
        destination = destination_region or source.region_id
        transient = None if keep_images else True
        path = path_of(self)
        stack = stack_of(self)
        self.custom_image = EcscloneImage(
            self,
            "Image",
            instance_id=source.instance_id,
            owner=f"{path}/Image",
            description=f"cdk-clone image of {source.instance_id} for {path}",
            stop_instance_for_consistency=stop_source_for_consistency or None,
            transient=transient,
            provider=provider_for_region(stack, source.region_id),
        )
        self.custom_image_id: str = self.custom_image.id
        self.copy: EcscloneImageCopy | None = None
        self.copy_id: str | None = None
        if destination != source.region_id:
            self.copy = EcscloneImageCopy(
                self,
                "Copy",
                source_image_id=self.custom_image_id,
                source_region_id=source.region_id,
                owner=f"{path}/Copy",
                description=f"cdk-clone copy of {source.instance_id} ({source.region_id}) for {path}",
                kms_key_id=kms_key_id,
                transient=transient,
                provider=provider_for_region(stack, destination),
            )
            self.copy_id = self.copy.id
        self.image_id: str = self.copy_id if self.copy_id is not None else self.custom_image_id
        self.transient_image_refs: list[str] = []
        if not keep_images:
            if self.copy_id is not None:
                # The copy lives in the clones' region; the original is named with its region.
                self.transient_image_refs = [self.copy_id, f"{source.region_id}:{self.custom_image_id}"]
            else:
                self.transient_image_refs = [self.custom_image_id]
