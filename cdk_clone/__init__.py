"""cdk-clone: clone Alibaba Cloud ECS instances as infrastructure as code."""
