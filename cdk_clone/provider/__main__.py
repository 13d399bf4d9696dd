"""``python -m cdk_clone.provider``: what the provider launcher in Terraform's plugin mirror runs."""

from cdk_clone.provider import main

main()
