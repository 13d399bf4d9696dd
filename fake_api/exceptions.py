"""Errors the fake answers with: one class per Alibaba Cloud error code, each carrying its HTTP status.

The wire layer turns any :class:`FakeApiError` into the real error body
``{"RequestId", "HostId", "Code", "Message", "Recommend"}`` with ``http_status``.

Exception tree::

    FakeApiError
    ├── request and protocol (400 unless noted)
    │   ├── InvalidParameter, MissingParameter, InvalidParameterMismatch, MissingParameterSource,
    │   │   MissingParameterDest, InvalidClientTokenValueNotSupported
    │   ├── InvalidActionNotFound (404), InvalidVersion, IdempotentParameterMismatch, DryRunOperation,
    │   │   LastTokenProcessing (403), OperationConflict (409), TaskConflict
    │   ├── signature: SignatureDoesNotMatch, IncompleteSignature, InvalidAccessKeyIdNotFound,
    │   │   SignatureNonceUsed, InvalidTimeStampExpired, InvalidTimeStampFormat, ForbiddenRam (403)
    │   ├── security tokens: MissingSecurityToken, InvalidSecurityTokenMalformed,
    │   │   InvalidSecurityTokenMismatchWithAccessKey, InvalidSecurityTokenExpired
    │   └── service: Throttling, ServiceUnavailable (503), InternalError (500)
    ├── not found (404): InvalidRegionIdNotFound, InvalidZoneIdNotFound, InvalidInstanceIdNotFound,
    │   InvalidImageIdNotFound, InvalidSecurityGroupIdNotFound, InvalidVpcIdNotFound, InvalidVSwitchIdNotFound
    ├── malformed names and values (400): InvalidImageNameMalformed, InvalidImageNameDuplicated,
    │   InvalidInstanceNameMalformed, InvalidHostNameMalformed, InvalidDescriptionMalformed,
    │   InvalidSecurityGroupNameMalformed, InvalidVpcNameMalformed, InvalidVSwitchNameMalformed,
    │   InvalidTagKeyMalformed, InvalidTagValueMalformed, InvalidInstanceTypeValueNotSupported,
    │   InvalidSystemDiskCategoryValueNotSupported, InvalidSystemDiskSizeValueNotSupported,
    │   InvalidIpProtocolValueNotSupported, InvalidPortRangeMalformed, InvalidPolicyMalformed,
    │   InvalidPriorityValueNotSupported, InvalidSourceGroupIdMismatch, InvalidPrivateIpAddress,
    │   InvalidPrivateIpAddressDuplicated, InvalidVSwitchIdIpNotEnough, InvalidCidrBlockMalformed,
    │   InvalidCidrBlockOverlapped, InvalidCidrBlockMaskLength
    ├── wrong state: IncorrectInstanceStatus (403; 400 from CreateImage), IncorrectInstanceStatusInitializing
    │   (403), IncorrectImageStatus, IncorrectVpcStatus, IncorrectVSwitchStatus
    ├── dependencies (400 unless noted): DependencyViolation, DependencyViolationVSwitch, DependencyViolationSecurityGroup,
    │   DependencyViolationInstance, ImageUsingByInstance (403), OperationDeniedImageCopying (403)
    ├── capacity (403): OperationDeniedNoStock, QuotaExceedElasticQuota, AuthorizationLimitExceed,
    │   IncorrectDestinationRegion
    ├── billing: ChargeTypeViolation (403), InvalidInstanceChargeTypeValueNotSupported,
    │   InvalidStatusValueNotSupported, ExpiredInstance, InvalidPeriod, InstancesIdQuotaExceed (400)
    ├── disks, snapshots and encryption: InvalidDataDiskSnapshotIdNotFound, InvalidParameterKMSKeyIdNotFound
    │   (404); IncorrectDiskStatus, InvalidSnapshotIdNotReady, InvalidSnapshotIdNotDataDiskSnapshot,
    │   SnapshotCreatedImage, SnapshotCreatedDisk, InvalidDiskSizeTooSmall, InvalidParameterKMSKeyIdCMKNotEnabled,
    │   OperationDeinedEncryptedSnapshot (403); InvalidDataDiskCategoryValueNotSupported,
    │   InvalidDataDiskSizeValueNotSupported, InvalidPerformanceLevelMalformed, InvalidDataDeviceMalformed,
    │   InstanceDiskNumberLimitExceed, InvalidDiskNameMalformed, InvalidDiskDescriptionMalformed,
    │   InvalidParameterEncryptedIllegal (400)
    └── instance settings, access and identity: spot (InvalidSpotStrategy, InvalidSpotPriceLimit, InvalidSpotDuration,
        InvalidSpotInterruptionBehavior, InvalidSpotPrepaid), metadata (InvalidHttpEndpointNotSupported,
        InvalidHttpTokensNotSupported, InvalidHttpPutResponseHopLimitNotSupported), InvalidParameterCreditSpecification,
        InvalidInternetMaxBandwidthInMalformed, InvalidAutoReleaseTimeMalformed, InvalidAutoRenewPeriodValueNotSupported,
        InvalidParamNetworkInterface, InvalidPasswordMalformed, key pairs (InvalidKeyPairNameNotFound, InvalidKeyPairNameMalformed,
        InvalidKeyPairNamesValueNotSupported, KeyPairAlreadyExist, InvalidPublicKeyBodyMalformed), user data
        (InvalidUserDataSizeExceeded, InvalidUserDataBase64FormatInvalid), InvalidInstanceIdsMalformed,
        deployment sets (InvalidDeploymentSetNameMalformed, InvalidParameterStrategy) (400); DependencyViolationNotEmpty,
        DependencyViolationKeyPair (the fake's code: no source documents one),
        InvalidVSwitchIpv6NotTurnOn, InvalidOperationIpv4CountExceeded, InvalidOperationIpv6CountExceeded,
        InvalidOperationDeletionProtection, InvalidParamsInstanceNameExceed, InvalidParamsHostnameExceed,
        QuotaExceedKeyPair, InvalidParameterAllEmpty, InvalidNetworkTypeMismatchRamRole, QuotaExceedDeploymentSetInstanceQuotaFull (403);
        InvalidRamRoleNotFound, InvalidRamRoleNotEcsRole, InvalidResourceGroupNotFound, DeploymentSetNotFound (404)

Example::

    try:
        dispatch(cloud, "testid", "2014-05-26", "StopInstance", {"InstanceId": "i-nope"})
    except FakeApiError as error:
        error.code, error.http_status      # ("InvalidInstanceId.NotFound", 404)
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "ERROR_CLASSES",
    "AuthorizationLimitExceed",
    "ChargeTypeViolation",
    "DependencyViolation",
    "DependencyViolationInstance",
    "DependencyViolationKeyPair",
    "DependencyViolationNotEmpty",
    "DependencyViolationSecurityGroup",
    "DependencyViolationVSwitch",
    "DeploymentSetNotFound",
    "DryRunOperation",
    "ExpiredInstance",
    "FakeApiError",
    "ForbiddenRam",
    "IdempotentParameterMismatch",
    "ImageUsingByInstance",
    "IncompleteSignature",
    "IncorrectDestinationRegion",
    "IncorrectDiskStatus",
    "IncorrectImageStatus",
    "IncorrectInstanceStatus",
    "IncorrectInstanceStatusInitializing",
    "IncorrectVSwitchStatus",
    "IncorrectVpcStatus",
    "InstanceDiskNumberLimitExceed",
    "InstancesIdQuotaExceed",
    "InternalError",
    "InvalidAccessKeyIdNotFound",
    "InvalidActionNotFound",
    "InvalidAutoReleaseTimeMalformed",
    "InvalidAutoRenewPeriodValueNotSupported",
    "InvalidCidrBlockMalformed",
    "InvalidCidrBlockMaskLength",
    "InvalidCidrBlockOverlapped",
    "InvalidClientTokenValueNotSupported",
    "InvalidDataDeviceMalformed",
    "InvalidDataDiskCategoryValueNotSupported",
    "InvalidDataDiskSizeValueNotSupported",
    "InvalidDataDiskSnapshotIdNotFound",
    "InvalidDeploymentSetNameMalformed",
    "InvalidDescriptionMalformed",
    "InvalidDiskDescriptionMalformed",
    "InvalidDiskIdNotFound",
    "InvalidDiskNameMalformed",
    "InvalidDiskSizeTooSmall",
    "InvalidHostNameMalformed",
    "InvalidHttpEndpointNotSupported",
    "InvalidHttpPutResponseHopLimitNotSupported",
    "InvalidHttpTokensNotSupported",
    "InvalidImageIdNotFound",
    "InvalidImageNameDuplicated",
    "InvalidImageNameMalformed",
    "InvalidInstanceChargeTypeValueNotSupported",
    "InvalidInstanceIdNotFound",
    "InvalidInstanceIdsMalformed",
    "InvalidInstanceNameMalformed",
    "InvalidInstanceTypeValueNotSupported",
    "InvalidInternetMaxBandwidthInMalformed",
    "InvalidIpProtocolValueNotSupported",
    "InvalidKeyPairNameMalformed",
    "InvalidKeyPairNameNotFound",
    "InvalidKeyPairNamesValueNotSupported",
    "InvalidNetworkTypeMismatchRamRole",
    "InvalidOperationDeletionProtection",
    "InvalidOperationIpv4CountExceeded",
    "InvalidOperationIpv6CountExceeded",
    "InvalidParamNetworkInterface",
    "InvalidParameter",
    "InvalidParameterAllEmpty",
    "InvalidParameterCreditSpecification",
    "InvalidParameterEncryptedIllegal",
    "InvalidParameterKMSKeyIdCMKNotEnabled",
    "InvalidParameterKMSKeyIdNotFound",
    "InvalidParameterMismatch",
    "InvalidParameterStrategy",
    "InvalidParamsHostnameExceed",
    "InvalidParamsInstanceNameExceed",
    "InvalidPasswordMalformed",
    "InvalidPerformanceLevelMalformed",
    "InvalidPeriod",
    "InvalidPolicyMalformed",
    "InvalidPortRangeMalformed",
    "InvalidPriorityValueNotSupported",
    "InvalidPrivateIpAddress",
    "InvalidPrivateIpAddressDuplicated",
    "InvalidPublicKeyBodyMalformed",
    "InvalidRamRoleNotEcsRole",
    "InvalidRamRoleNotFound",
    "InvalidRegionIdNotFound",
    "InvalidResourceGroupNotFound",
    "InvalidSecurityGroupIdNotFound",
    "InvalidSecurityGroupNameMalformed",
    "InvalidSecurityTokenExpired",
    "InvalidSecurityTokenMalformed",
    "InvalidSecurityTokenMismatchWithAccessKey",
    "InvalidSnapshotIdNotDataDiskSnapshot",
    "InvalidSnapshotIdNotReady",
    "InvalidSourceGroupIdMismatch",
    "InvalidSpotDuration",
    "InvalidSpotInterruptionBehavior",
    "InvalidSpotPrepaid",
    "InvalidSpotPriceLimit",
    "InvalidSpotStrategy",
    "InvalidStatusValueNotSupported",
    "InvalidSystemDiskCategoryValueNotSupported",
    "InvalidSystemDiskSizeValueNotSupported",
    "InvalidTagKeyMalformed",
    "InvalidTagValueMalformed",
    "InvalidTimeStampExpired",
    "InvalidTimeStampFormat",
    "InvalidUserDataBase64FormatInvalid",
    "InvalidUserDataSizeExceeded",
    "InvalidVSwitchIdIpNotEnough",
    "InvalidVSwitchIdNotFound",
    "InvalidVSwitchIpv6NotTurnOn",
    "InvalidVSwitchNameMalformed",
    "InvalidVersion",
    "InvalidVpcIdNotFound",
    "InvalidVpcNameMalformed",
    "InvalidZoneIdNotFound",
    "KeyPairAlreadyExist",
    "LastTokenProcessing",
    "MissingParameter",
    "MissingParameterDest",
    "MissingParameterSource",
    "MissingSecurityToken",
    "OperationConflict",
    "OperationDeinedEncryptedSnapshot",
    "OperationDeniedImageCopying",
    "OperationDeniedNoStock",
    "QuotaExceedDeploymentSetInstanceQuotaFull",
    "QuotaExceedElasticQuota",
    "QuotaExceedKeyPair",
    "ServiceUnavailable",
    "SignatureDoesNotMatch",
    "SignatureNonceUsed",
    "SnapshotCreatedDisk",
    "SnapshotCreatedImage",
    "TaskConflict",
    "Throttling",
]


class FakeApiError(Exception):
    """An Alibaba Cloud API error: ``code`` and ``http_status`` are fixed per class, ``message`` per raise.

    Subclasses set ``code``, ``http_status`` and a default ``message``; raising one with a message
    explains the particular case (which parameter, which value, what to do).
    """

    code: ClassVar[str] = "InternalError"
    http_status: int = 500
    default_message: ClassVar[str] = "The request processing has failed due to some unknown error."

    def __init__(self, message: str | None = None, *, http_status: int | None = None) -> None:
        self.message: str = message if message is not None else self.default_message
        if http_status is not None:  # a few codes come with another status from some actions
            self.http_status = http_status
        super().__init__(self.message)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, http_status={self.http_status}, message={self.message!r})"


# Request and protocol -------------------------------------------------------------------------------------
class InvalidParameter(FakeApiError):
    code, http_status = "InvalidParameter", 400
    default_message = "The specified parameter is not valid."


class MissingParameter(FakeApiError):
    code, http_status = "MissingParameter", 400
    default_message = "A required parameter is not supplied."


class InvalidParameterMismatch(FakeApiError):
    code, http_status = "InvalidParameter.Mismatch", 400
    default_message = "The specified resources do not belong together."


class MissingParameterSource(FakeApiError):
    code, http_status = "MissingParameter.Source", 400
    default_message = "An ingress rule needs SourceCidrIp, SourceGroupId or SourcePrefixListId."


class MissingParameterDest(FakeApiError):
    code, http_status = "MissingParameter.Dest", 400
    default_message = "An egress rule needs DestCidrIp or DestGroupId."


class InvalidClientTokenValueNotSupported(FakeApiError):
    code, http_status = "InvalidClientToken.ValueNotSupported", 400
    default_message = "The ClientToken must be at most 64 ASCII characters."


class InvalidActionNotFound(FakeApiError):
    # The current API answers an unknown action (or version) with this code and 404; older documents
    # describe a 403 "InvalidAction". The fake uses the current one everywhere.
    code, http_status = "InvalidAction.NotFound", 404
    default_message = "Specified api is not found, please check your url and method."


class IdempotentParameterMismatch(FakeApiError):
    code, http_status = "IdempotentParameterMismatch", 400
    default_message = "The request uses the same client token as a previous, but non-identical request."


class DryRunOperation(FakeApiError):
    code, http_status = "DryRunOperation", 400
    default_message = "Request validation has been passed with DryRun flag set."


class InvalidVersion(FakeApiError):
    code, http_status = "InvalidVersion", 400
    default_message = "Specified parameter Version is not valid."


class LastTokenProcessing(FakeApiError):
    code, http_status = "LastTokenProcessing", 403
    default_message = "The last token request is processing."


class OperationConflict(FakeApiError):
    code, http_status = "OperationConflict", 409
    default_message = "Request was denied due to conflict with a previous request."


class TaskConflict(FakeApiError):
    code, http_status = "TaskConflict", 400
    default_message = "The operation is too frequent, please wait a moment and try again."


class SignatureDoesNotMatch(FakeApiError):
    # No source documents this status; 400 is what the other signature errors use.
    code, http_status = "SignatureDoesNotMatch", 400
    default_message = "Specified signature is not matched with our calculation."


class IncompleteSignature(FakeApiError):
    code, http_status = "IncompleteSignature", 400
    default_message = "The request signature does not conform to Aliyun standards."


class InvalidAccessKeyIdNotFound(FakeApiError):
    code, http_status = "InvalidAccessKeyId.NotFound", 400
    default_message = "Specified access key is not found."


class SignatureNonceUsed(FakeApiError):
    code, http_status = "SignatureNonceUsed", 400
    default_message = "Specified signature nonce was used already."


class InvalidTimeStampExpired(FakeApiError):
    code, http_status = "InvalidTimeStamp.Expired", 400
    default_message = "Specified time stamp or date value is expired."


class InvalidTimeStampFormat(FakeApiError):
    code, http_status = "InvalidTimeStamp.Format", 400
    default_message = "Specified time stamp or date value is not well formatted."


# Security tokens (temporary credentials from STS) -----------------------------------------------------------
class MissingSecurityToken(FakeApiError):
    code, http_status = "MissingSecurityToken", 400
    default_message = "SecurityToken is mandatory for this request."


class InvalidSecurityTokenMalformed(FakeApiError):
    code, http_status = "InvalidSecurityToken.Malformed", 400
    default_message = "Specified SecurityToken is malformed."


class InvalidSecurityTokenMismatchWithAccessKey(FakeApiError):
    code, http_status = "InvalidSecurityToken.MismatchWithAccessKey", 400
    default_message = "Specified SecurityToken mismatch with the AccessKey."


class InvalidSecurityTokenExpired(FakeApiError):
    code, http_status = "InvalidSecurityToken.Expired", 400
    default_message = "Specified SecurityToken is expired."


class ForbiddenRam(FakeApiError):
    code, http_status = "Forbidden.RAM", 403
    default_message = "User not authorized to operate on the specified resource."


class Throttling(FakeApiError):
    code, http_status = "Throttling", 400
    default_message = "Request was denied due to request throttling."


class ServiceUnavailable(FakeApiError):
    code, http_status = "ServiceUnavailable", 503
    default_message = "The request has failed due to a temporary failure of the server."


class InternalError(FakeApiError):
    code, http_status = "InternalError", 500
    default_message = "The request processing has failed due to some unknown error."


# Not found ------------------------------------------------------------------------------------------------
class InvalidRegionIdNotFound(FakeApiError):
    code, http_status = "InvalidRegionId.NotFound", 404
    default_message = "The specified RegionId does not exist."


class InvalidZoneIdNotFound(FakeApiError):
    code, http_status = "InvalidZoneId.NotFound", 404
    default_message = "The specified zone does not exist."


class InvalidInstanceIdNotFound(FakeApiError):
    code, http_status = "InvalidInstanceId.NotFound", 404
    default_message = "The specified InstanceId does not exist."


class InvalidImageIdNotFound(FakeApiError):
    code, http_status = "InvalidImageId.NotFound", 404
    default_message = "The specified ImageId does not exist."


class InvalidSecurityGroupIdNotFound(FakeApiError):
    code, http_status = "InvalidSecurityGroupId.NotFound", 404
    default_message = "The specified SecurityGroupId does not exist."


class InvalidVpcIdNotFound(FakeApiError):
    code, http_status = "InvalidVpcId.NotFound", 404
    default_message = "The specified VpcId does not exist."


class InvalidVSwitchIdNotFound(FakeApiError):
    code, http_status = "InvalidVSwitchId.NotFound", 404
    default_message = "The specified VSwitchId does not exist."


# Malformed names and values -------------------------------------------------------------------------------
class InvalidImageNameMalformed(FakeApiError):
    code, http_status = "InvalidImageName.Malformed", 400
    default_message = (
        "The image name must be 2 to 128 characters long, start with a letter, contain only letters, digits, "
        "colons (:), underscores (_), hyphens (-) and periods (.), and not start with http:// or https://."
    )


class InvalidImageNameDuplicated(FakeApiError):
    code, http_status = "InvalidImageName.Duplicated", 400
    default_message = "An image with the specified name already exists in this region."


class InvalidInstanceNameMalformed(FakeApiError):
    code, http_status = "InvalidInstanceName.Malformed", 400
    default_message = "The specified instance name is wrongly formed."


class InvalidHostNameMalformed(FakeApiError):
    code, http_status = "InvalidHostName.Malformed", 400
    default_message = "The specified host name is wrongly formed."


class InvalidDescriptionMalformed(FakeApiError):
    code, http_status = "InvalidDescription.Malformed", 400
    default_message = "The description must be 2 to 256 characters long and not start with http:// or https://."


class InvalidSecurityGroupNameMalformed(FakeApiError):
    code, http_status = "InvalidSecurityGroupName.Malformed", 400
    default_message = "The specified security group name is wrongly formed."


class InvalidVpcNameMalformed(FakeApiError):
    code, http_status = "InvalidVpcName.Malformed", 400
    default_message = "The VPC name must be 1 to 128 characters long and not start with http:// or https://."


class InvalidVSwitchNameMalformed(FakeApiError):
    code, http_status = "InvalidVSwitchName.Malformed", 400
    default_message = "The vSwitch name must be 1 to 128 characters long and not start with http:// or https://."


class InvalidTagKeyMalformed(FakeApiError):
    code, http_status = "InvalidTagKey.Malformed", 400
    default_message = "A tag key must be 1 to 128 characters long and not start with aliyun or acs:."


class InvalidTagValueMalformed(FakeApiError):
    code, http_status = "InvalidTagValue.Malformed", 400
    default_message = "A tag value must be at most 128 characters long and not start with aliyun or acs:."


class InvalidInstanceTypeValueNotSupported(FakeApiError):
    code, http_status = "InvalidInstanceType.ValueNotSupported", 400
    default_message = "The specified InstanceType does not exist or is not supported."


class InvalidSystemDiskCategoryValueNotSupported(FakeApiError):
    code, http_status = "InvalidSystemDiskCategory.ValueNotSupported", 400
    default_message = "The specified system disk category is not supported."


class InvalidSystemDiskSizeValueNotSupported(FakeApiError):
    code, http_status = "InvalidSystemDiskSize.ValueNotSupported", 400
    default_message = "The specified system disk size is not supported."


class InvalidIpProtocolValueNotSupported(FakeApiError):
    code, http_status = "InvalidIpProtocol.ValueNotSupported", 400
    default_message = "IpProtocol must be TCP, UDP, ICMP, ICMPv6, GRE or ALL."


class InvalidPortRangeMalformed(FakeApiError):
    code, http_status = "InvalidPortRange.Malformed", 400
    default_message = "PortRange must be start/end within 1..65535 for TCP and UDP, or -1/-1 otherwise."


class InvalidPolicyMalformed(FakeApiError):
    code, http_status = "InvalidPolicy.Malformed", 400
    default_message = "Policy must be accept or drop."


class InvalidPriorityValueNotSupported(FakeApiError):
    code, http_status = "InvalidPriority.ValueNotSupported", 400
    default_message = "Priority must be an integer from 1 to 100."


class InvalidSourceGroupIdMismatch(FakeApiError):
    code, http_status = "InvalidSourceGroupId.Mismatch", 400
    default_message = "The peer security group must be in the same VPC as the security group."


class InvalidPrivateIpAddress(FakeApiError):
    code, http_status = "InvalidPrivateIpAddress", 400
    default_message = "The specified private IP address is not in the CIDR block of the vSwitch."


class InvalidPrivateIpAddressDuplicated(FakeApiError):
    code, http_status = "InvalidPrivateIpAddress.Duplicated", 400
    default_message = "The specified private IP address is already in use."


class InvalidVSwitchIdIpNotEnough(FakeApiError):
    code, http_status = "InvalidVSwitchId.IpNotEnough", 400
    default_message = "The vSwitch has not enough free private IP addresses."


class InvalidCidrBlockMalformed(FakeApiError):
    code, http_status = "InvalidCidrBlock.Malformed", 400
    default_message = "The specified CidrBlock is wrongly formed."


class InvalidCidrBlockOverlapped(FakeApiError):
    code, http_status = "InvalidCidrBlock.Overlapped", 400
    default_message = "The specified CidrBlock overlaps with another vSwitch of the VPC."


class InvalidCidrBlockMaskLength(FakeApiError):
    # The real code is misspelt ("Cirdr"); clients match on it, so the fake keeps the spelling.
    code, http_status = "InvalidCirdrBlock.MaskLength", 400
    default_message = "The vSwitch CIDR mask length must be from 16 to 29."


# Wrong state ----------------------------------------------------------------------------------------------
class IncorrectInstanceStatus(FakeApiError):
    code, http_status = "IncorrectInstanceStatus", 403
    default_message = "The current status of the resource does not support this operation."


class IncorrectInstanceStatusInitializing(FakeApiError):
    code, http_status = "IncorrectInstanceStatus.Initializing", 403
    default_message = "The specified instance status does not support this operation."


class IncorrectImageStatus(FakeApiError):
    code, http_status = "IncorrectImageStatus", 400
    default_message = "The current status of the image does not support this operation."


class IncorrectVpcStatus(FakeApiError):
    code, http_status = "IncorrectVpcStatus", 400
    default_message = "Current VPC status does not support this operation."


class IncorrectVSwitchStatus(FakeApiError):
    code, http_status = "IncorrectVSwitchStatus", 400
    default_message = "The current virtual switch status does not support this operation."


# Dependencies ---------------------------------------------------------------------------------------------
class DependencyViolation(FakeApiError):
    code, http_status = "DependencyViolation", 400
    default_message = "Specified object has dependent resources."


class DependencyViolationVSwitch(FakeApiError):
    code, http_status = "DependencyViolation.VSwitch", 400
    default_message = "The VPC still has vSwitches: delete them first."


class DependencyViolationSecurityGroup(FakeApiError):
    code, http_status = "DependencyViolation.SecurityGroup", 400
    default_message = "The VPC still has security groups: delete them first."


class DependencyViolationInstance(FakeApiError):
    code, http_status = "DependencyViolation.Instance", 400
    default_message = "The VPC still has instances: delete them first."


class ImageUsingByInstance(FakeApiError):
    code, http_status = "ImageUsingByInstance", 403
    default_message = "The image is in use by instances: delete them first, or pass Force=true."


class OperationDeniedImageCopying(FakeApiError):
    code, http_status = "OperationDenied.ImageCopying", 403
    default_message = "The image is being copied: cancel the copy with CancelCopyImage first."


# Billing --------------------------------------------------------------------------------------------------
class ChargeTypeViolation(FakeApiError):
    code, http_status = "ChargeTypeViolation", 403
    default_message = "The operation is not permitted due to charge type of the instance."


class InvalidInstanceChargeTypeValueNotSupported(FakeApiError):
    code, http_status = "InvalidInstanceChargeType.ValueNotSupported", 400
    default_message = "The specified InstanceChargeType is not supported."


class InvalidStatusValueNotSupported(FakeApiError):
    code, http_status = "InvalidStatus.ValueNotSupported", 400
    default_message = "The operation is not supported while the resource is in the current state."


class ExpiredInstance(FakeApiError):
    code, http_status = "ExpiredInstance", 400
    default_message = "The specified instance has expired."


class InvalidPeriod(FakeApiError):
    code, http_status = "InvalidPeriod", 400
    default_message = "The specified period is not valid."


class InstancesIdQuotaExceed(FakeApiError):
    code, http_status = "InstancesIdQuotaExceed", 400
    default_message = "The maximum number of Instances is exceeded."


# Capacity -------------------------------------------------------------------------------------------------
class OperationDeniedNoStock(FakeApiError):
    code, http_status = "OperationDenied.NoStock", 403
    default_message = "The requested resource is sold out in the specified zone; try other types of resources or other regions and zones."


class QuotaExceedElasticQuota(FakeApiError):
    code, http_status = "QuotaExceed.ElasticQuota", 403
    default_message = "The number of instances exceeds the quota of the region."


class AuthorizationLimitExceed(FakeApiError):
    code, http_status = "AuthorizationLimitExceed", 403
    default_message = "The number of rules in the security group exceeds the limit of 200."


class IncorrectDestinationRegion(FakeApiError):
    code, http_status = "IncorrectDestinationRegion", 403
    default_message = "The specified destination region is not valid."


# Disks, snapshots and encryption -------------------------------------------------------------------------
class IncorrectDiskStatus(FakeApiError):
    code, http_status = "IncorrectDiskStatus", 403
    default_message = "The current disk status does not support this operation."


class InvalidDiskIdNotFound(FakeApiError):
    code, http_status = "InvalidDiskId.NotFound", 404
    default_message = "The specified disk does not exist."


class InvalidDataDiskSnapshotIdNotFound(FakeApiError):
    code, http_status = "InvalidDataDiskSnapshotId.NotFound", 404
    default_message = "The specified parameter DataDisk.n.SnapshotId is not valid."


class InvalidSnapshotIdNotReady(FakeApiError):
    code, http_status = "InvalidSnapshotId.NotReady", 403
    default_message = "The specified snapshot has not completed yet."


class InvalidSnapshotIdNotDataDiskSnapshot(FakeApiError):
    code, http_status = "InvalidSnapshotId.NotDataDiskSnapshot", 403
    default_message = "The specified snapshot is system disk snapshot."


class SnapshotCreatedImage(FakeApiError):
    code, http_status = "SnapshotCreatedImage", 403
    default_message = "The snapshot has been used to create user defined image(s)."


class SnapshotCreatedDisk(FakeApiError):
    code, http_status = "SnapshotCreatedDisk", 403
    default_message = "The snapshot has been used to create disk(s)."


class InvalidDataDiskCategoryValueNotSupported(FakeApiError):
    code, http_status = "InvalidDataDiskCategory.ValueNotSupported", 400
    default_message = "The specified parameter DataDisk.n.Category is not valid."


class InvalidDataDiskSizeValueNotSupported(FakeApiError):
    code, http_status = "InvalidDataDiskSize.ValueNotSupported", 400
    default_message = "The specified DataDisk.n.Size beyond the permitted range."


class InvalidDiskSizeTooSmall(FakeApiError):
    code, http_status = "InvalidDiskSize.TooSmall", 403
    default_message = "Specified disk size is less than the size of snapshot."


class InvalidPerformanceLevelMalformed(FakeApiError):
    code, http_status = "InvalidPerformanceLevel.Malformed", 400
    default_message = "The specified parameter PerformanceLevel is not valid."


class InvalidDataDeviceMalformed(FakeApiError):
    code, http_status = "InvalidDataDevice.Malformed", 400
    default_message = "The specified parameter DataDisk.n.Device is not valid."


class InstanceDiskNumberLimitExceed(FakeApiError):
    code, http_status = "InstanceDiskNumber.LimitExceed", 400
    default_message = "The total number of specified disk in an instance exceeds."


class InvalidDiskNameMalformed(FakeApiError):
    code, http_status = "InvalidDiskName.Malformed", 400
    default_message = "The specified parameter SystemDisk.DiskName or DataDisk.n.DiskName is not valid."


class InvalidDiskDescriptionMalformed(FakeApiError):
    code, http_status = "InvalidDiskDescription.Malformed", 400
    default_message = "The specified parameter SystemDisk.Description or DataDisk.n.Description is not valid."


class InvalidParameterEncryptedIllegal(FakeApiError):
    code, http_status = "InvalidParameter.EncryptedIllegal", 400
    default_message = "The specified parameter Encrypted must be true when kmsKeyId is not empty."


class InvalidParameterKMSKeyIdNotFound(FakeApiError):
    code, http_status = "InvalidParameter.KMSKeyId.NotFound", 404
    default_message = "The specified KMSKeyId does not exist."


class InvalidParameterKMSKeyIdCMKNotEnabled(FakeApiError):
    code, http_status = "InvalidParameter.KMSKeyId.CMKNotEnabled", 403
    default_message = "The CMK needs to be enabled."


class OperationDeinedEncryptedSnapshot(FakeApiError):
    # The real code is misspelt ("Deined"); clients match on it, so the fake keeps the spelling.
    code, http_status = "OperationDeined.EncryptedSnapshot", 403
    default_message = "The image contains encrypted snapshots, which do not support copying."



# Instance settings, access and identity --------------------------------------------------------------
class InvalidSpotStrategy(FakeApiError):
    code, http_status = "InvalidSpotStrategy", 400
    default_message = "The specified SpotStrategy is not valid."


class InvalidSpotPriceLimit(FakeApiError):
    code, http_status = "InvalidSpotPriceLimit", 400
    default_message = "The specified SpotPriceLimit is not valid."


class InvalidSpotDuration(FakeApiError):
    code, http_status = "InvalidSpotDuration", 400
    default_message = "The specified SpotDuration is not valid."


class InvalidSpotInterruptionBehavior(FakeApiError):
    code, http_status = "InvalidSpotInterruptionBehavior", 400
    default_message = "The specified SpotInterruptionBehavior is not valid."


class InvalidSpotPrepaid(FakeApiError):
    code, http_status = "InvalidSpotPrepaid", 400
    default_message = "The specified Spot type is not support PrePay Instance."


class InvalidHttpEndpointNotSupported(FakeApiError):
    code, http_status = "InvalidHttpEndpoint.NotSupported", 400
    default_message = "The specified HttpEndpoint not supported, you can use enabled(default) or disabled."


class InvalidHttpTokensNotSupported(FakeApiError):
    code, http_status = "InvalidHttpTokens.NotSupported", 400
    default_message = "The specified HttpTokens not supported, you can use optional(default) or required."


class InvalidHttpPutResponseHopLimitNotSupported(FakeApiError):
    code, http_status = "InvalidHttpPutResponseHopLimit.NotSupported", 400
    default_message = "The specified HttpPutResponseHopLimit not supported, more than 1 and less than 64 is reasonable."


class InvalidParameterCreditSpecification(FakeApiError):
    code, http_status = "InvalidParameter.CreditSpecification", 400
    default_message = "The specified CreditSpecification is not supported."


class InvalidInternetMaxBandwidthInMalformed(FakeApiError):
    code, http_status = "InvalidInternetMaxBandwidthIn.Malformed", 400
    default_message = "The specified parameter internetMaxBandwidthIn is not valid."


class InvalidAutoReleaseTimeMalformed(FakeApiError):
    code, http_status = "InvalidAutoReleaseTime.Malformed", 400
    default_message = "The specified parameter AutoReleaseTime is not valid."


class InvalidAutoRenewPeriodValueNotSupported(FakeApiError):
    code, http_status = "InvalidAutoRenewPeriod.ValueNotSupported", 400
    default_message = "The specified autoRenewPeriod is invalid."


class InvalidParamNetworkInterface(FakeApiError):
    code, http_status = "InvalidParam.NetworkInterface", 400
    default_message = "The specified NetworkInterface parameters are not valid."


class InvalidVSwitchIpv6NotTurnOn(FakeApiError):
    code, http_status = "InvalidVSwitch.Ipv6NotTurnOn", 403
    default_message = "The IPv6 feature is not enabled on the vSwitch."


class InvalidOperationIpv4CountExceeded(FakeApiError):
    code, http_status = "InvalidOperation.Ipv4CountExceeded", 403
    default_message = "The maximum number of IPv4 addresses has been reached."


class InvalidOperationIpv6CountExceeded(FakeApiError):
    code, http_status = "InvalidOperation.Ipv6CountExceeded", 403
    default_message = "The maximum number of IPv6 addresses has been reached."


class InvalidOperationDeletionProtection(FakeApiError):
    code, http_status = "InvalidOperation.DeletionProtection", 403
    default_message = "The instance has release protection on: disable it first."


class InvalidParamsInstanceNameExceed(FakeApiError):
    code, http_status = "InvalidParams.InstanceNameExceed", 403
    default_message = "The uniqueSuffix takes three naming places, please shorten your InstanceName."


class InvalidParamsHostnameExceed(FakeApiError):
    code, http_status = "InvalidParams.HostnameExceed", 403
    default_message = "The uniqueSuffix takes three naming places, please shorten your Hostname."


class InvalidKeyPairNameNotFound(FakeApiError):
    code, http_status = "InvalidKeyPairName.NotFound", 400
    default_message = "The specified KeyPairName does not exist in our records."


class InvalidKeyPairNameMalformed(FakeApiError):
    code, http_status = "InvalidKeyPairName.Malformed", 400
    default_message = "Specified Key Pair name is not valid."


class InvalidKeyPairNamesValueNotSupported(FakeApiError):
    code, http_status = "InvalidKeyPairNames.ValueNotSupported", 400
    default_message = "The specified parameter KeyPairNames is not valid."


class KeyPairAlreadyExist(FakeApiError):
    code, http_status = "KeyPair.AlreadyExist", 400
    default_message = "The key pair already exist."


class InvalidPublicKeyBodyMalformed(FakeApiError):
    code, http_status = "InvalidPublicKeyBody.Malformed", 400
    default_message = "The PublicKeyBody format is not supported."


class QuotaExceedKeyPair(FakeApiError):
    code, http_status = "QuotaExceed.KeyPair", 403
    default_message = "The key pair quota exceeds."


class InvalidRamRoleNotFound(FakeApiError):
    code, http_status = "InvalidRamRole.NotFound", 404
    default_message = "The specified RAMRoleName does not exist."


class InvalidRamRoleNotEcsRole(FakeApiError):
    code, http_status = "InvalidRamRole.NotEcsRole", 404
    default_message = "The specified ram role is not authorized for ecs, please check your role policy."


class InvalidInstanceIdsMalformed(FakeApiError):
    code, http_status = "InvalidInstanceIds.Malformed", 400
    default_message = "The specified instanceIds are not valid."


class InvalidParameterAllEmpty(FakeApiError):
    code, http_status = "InvalidParameter.AllEmpty", 403
    default_message = "Specify InstanceIds or RamRoleName."


class InvalidUserDataSizeExceeded(FakeApiError):
    code, http_status = "InvalidUserData.SizeExceeded", 400
    default_message = "The specified parameter UserData exceeds the size."


class InvalidUserDataBase64FormatInvalid(FakeApiError):
    code, http_status = "InvalidUserData.Base64FormatInvalid", 400
    default_message = "The specified parameter UserData is not valid Base64."


class InvalidResourceGroupNotFound(FakeApiError):
    code, http_status = "InvalidResourceGroup.NotFound", 404
    default_message = "The ResourceGroup provided does not exist in our records."


class DeploymentSetNotFound(FakeApiError):
    code, http_status = "DeploymentSet.NotFound", 404
    default_message = "The specified deployment set does not exist."


class QuotaExceedDeploymentSetInstanceQuotaFull(FakeApiError):
    code, http_status = "QuotaExceed.DeploymentSetInstanceQuotaFull", 403
    default_message = "instance quota in one deployment set exceeded."


class InvalidDeploymentSetNameMalformed(FakeApiError):
    code, http_status = "InvalidDeploymentSetName.Malformed", 400
    default_message = "Specified deployment set name is not valid."


class InvalidParameterStrategy(FakeApiError):
    code, http_status = "InvalidParameter.Strategy", 400
    default_message = "The specified parameter Strategy is not valid"


class DependencyViolationNotEmpty(FakeApiError):
    code, http_status = "DependencyViolation.NotEmpty", 403
    default_message = "There are still instance(s) in the specified DeploymentSetId."


class DependencyViolationKeyPair(FakeApiError):
    # DeleteKeyPairs refuses a key pair bound to instances; no source names the code, so the fake follows
    # the DependencyViolation.* family the API uses for other objects still in use.
    code, http_status = "DependencyViolation.KeyPair", 403
    default_message = "The key pair is bound to instances."


class InvalidPasswordMalformed(FakeApiError):
    code, http_status = "InvalidPassword.Malformed", 400
    default_message = "The specified parameter Password is not valid."


class InvalidNetworkTypeMismatchRamRole(FakeApiError):
    code, http_status = "InvalidNetworkType.MismatchRamRole", 403
    default_message = "Ram role cannot be applied to instances of Classic network type."


def _all_error_classes() -> dict[str, type[FakeApiError]]:
    found: dict[str, type[FakeApiError]] = {}
    pending: list[type[FakeApiError]] = list(FakeApiError.__subclasses__())
    while pending:
        cls = pending.pop()
        found[cls.code] = cls
        pending.extend(cls.__subclasses__())
    return found


#: Every error class by its Alibaba code, e.g. ``ERROR_CLASSES["Throttling"]``.
ERROR_CLASSES: dict[str, type[FakeApiError]] = _all_error_classes()
