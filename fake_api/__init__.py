"""fake_api: a local, wire-faithful fake of Alibaba Cloud ECS and VPC."""
