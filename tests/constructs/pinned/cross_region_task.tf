terraform {
required_providers {
  ecsclone = {
version = "0.1.0"
source = "cdk-clone/ecsclone"
}
}


}
resource "ecsclone_image" "task_i-bp1d3m0s0urce00001_Image_9CBA4CA3" {
instance_id = "i-bp1d3m0s0urce00001"
description = "cdk-clone image of i-bp1d3m0s0urce00001 for clones/task/i-bp1d3m0s0urce00001/Image"
transient = true
owner = "clones/task/i-bp1d3m0s0urce00001/Image/Image"
provider = "ecsclone.cn-hangzhou"
}
resource "ecsclone_image_copy" "task_i-bp1d3m0s0urce00001_Image_Copy_FD90FECF" {
source_image_id = "${ecsclone_image.task_i-bp1d3m0s0urce00001_Image_9CBA4CA3.id}"
source_region_id = "cn-hangzhou"
description = "cdk-clone copy of i-bp1d3m0s0urce00001 (cn-hangzhou) for clones/task/i-bp1d3m0s0urce00001/Image"
transient = true
owner = "clones/task/i-bp1d3m0s0urce00001/Image/Copy"
provider = "ecsclone.cn-shanghai"
}
resource "ecsclone_instance_group" "task_i-bp1d3m0s0urce00001_Instances_4E2A7B74" {
image_id = "${ecsclone_image_copy.task_i-bp1d3m0s0urce00001_Image_Copy_FD90FECF.id}"
instance_type = "ecs.g7.large"
vswitch_id = "${ecsclone_vswitch.task_VSwitchReplica-vsw-bp1d3m0s0urce0vsw01_VSwitch_3218F648.id}"
security_group_ids = [
"${ecsclone_security_group.task_SecurityGroupReplica-sg-bp1d3m0s0urce0sg001_SecurityGroup_92A4FEB0.id}"
]
amount = 3
allow_similar_instance_type = true
min_amount = 2
instance_charge_type = "PostPaid"
instance_name = "web-1-[1,3]"
host_name = "web-1-[1,3]"
system_disk_category = "cloud_essd"
system_disk_size = 40
internet_max_bandwidth_out = 5
tags = {
app = "web"
env = "demo"
team = "ops"
}
internet_charge_type = "PayByTraffic"
delete_images_after_launch = [
"${ecsclone_image_copy.task_i-bp1d3m0s0urce00001_Image_Copy_FD90FECF.id}",
"cn-hangzhou:${ecsclone_image.task_i-bp1d3m0s0urce00001_Image_9CBA4CA3.id}"
]
image_source_instance_id = "i-bp1d3m0s0urce00001"
image_source_region_id = "cn-hangzhou"
owner = "clones/task/i-bp1d3m0s0urce00001/Instances"
provider = "ecsclone.cn-shanghai"
}
resource "ecsclone_vpc" "task_VpcReplica-vpc-bp1d3m0s0urce0vpc01_Vpc_FFFC563B" {
cidr_block = "192.168.0.0/16"
vpc_name = "clone-of-vpc-bp1d3m0s0urce0vpc01"
description = "cdk-clone replica of vpc-bp1d3m0s0urce0vpc01"
owner = "clones/task/VpcReplica-vpc-bp1d3m0s0urce0vpc01/Vpc"
provider = "ecsclone.cn-shanghai"
}
resource "ecsclone_vswitch" "task_VSwitchReplica-vsw-bp1d3m0s0urce0vsw01_VSwitch_3218F648" {
vpc_id = "${ecsclone_vpc.task_VpcReplica-vpc-bp1d3m0s0urce0vpc01_Vpc_FFFC563B.id}"
zone_id = "cn-shanghai-b"
cidr_block = "192.168.1.0/24"
vswitch_name = "clone-of-vsw-bp1d3m0s0urce0vsw01"
description = "cdk-clone replica of vsw-bp1d3m0s0urce0vsw01"
owner = "clones/task/VSwitchReplica-vsw-bp1d3m0s0urce0vsw01/VSwitch"
provider = "ecsclone.cn-shanghai"
}
resource "ecsclone_security_group" "task_SecurityGroupReplica-sg-bp1d3m0s0urce0sg001_SecurityGroup_92A4FEB0" {
vpc_id = "${ecsclone_vpc.task_VpcReplica-vpc-bp1d3m0s0urce0vpc01_Vpc_FFFC563B.id}"
security_group_name = "demo-web-sg"
description = "Web servers of the demo"
owner = "clones/task/SecurityGroupReplica-sg-bp1d3m0s0urce0sg001/SecurityGroup"
ingress {
ip_protocol = "tcp"
port_range = "22/22"
cidr_ip = "0.0.0.0/0"
policy = "accept"
priority = 1
nic_type = "intranet"
description = "ssh"
}
ingress {
ip_protocol = "tcp"
port_range = "8000/8100"
cidr_ip = "192.168.0.0/16"
policy = "accept"
priority = 5
nic_type = "intranet"
}
ingress {
ip_protocol = "icmp"
port_range = "-1/-1"
cidr_ip = "10.0.0.0/8"
policy = "drop"
priority = 1
nic_type = "intranet"
}
egress {
ip_protocol = "all"
port_range = "-1/-1"
cidr_ip = "0.0.0.0/0"
policy = "accept"
priority = 1
nic_type = "intranet"
}
provider = "ecsclone.cn-shanghai"
}
resource "ecsclone_security_group" "task_SecurityGroupReplica-sg-bp1d3m0s0urce0sg002_SecurityGroup_DF52A960" {
vpc_id = "${ecsclone_vpc.task_VpcReplica-vpc-bp1d3m0s0urce0vpc01_Vpc_FFFC563B.id}"
security_group_name = "demo-db-sg"
description = "Web servers of the demo"
owner = "clones/task/SecurityGroupReplica-sg-bp1d3m0s0urce0sg002/SecurityGroup"
ingress {
ip_protocol = "tcp"
port_range = "5432/5432"
source_security_group_id = "${ecsclone_security_group.task_SecurityGroupReplica-sg-bp1d3m0s0urce0sg001_SecurityGroup_92A4FEB0.id}"
policy = "accept"
priority = 1
nic_type = "intranet"
}

provider = "ecsclone.cn-shanghai"
}
resource "ecsclone_image" "task_i-bp1d3m0s0urce00002_Image_423D53BF" {
instance_id = "i-bp1d3m0s0urce00002"
description = "cdk-clone image of i-bp1d3m0s0urce00002 for clones/task/i-bp1d3m0s0urce00002/Image"
transient = true
owner = "clones/task/i-bp1d3m0s0urce00002/Image/Image"
provider = "ecsclone.cn-hangzhou"
}
resource "ecsclone_image_copy" "task_i-bp1d3m0s0urce00002_Image_Copy_54ED91E6" {
source_image_id = "${ecsclone_image.task_i-bp1d3m0s0urce00002_Image_423D53BF.id}"
source_region_id = "cn-hangzhou"
description = "cdk-clone copy of i-bp1d3m0s0urce00002 (cn-hangzhou) for clones/task/i-bp1d3m0s0urce00002/Image"
transient = true
owner = "clones/task/i-bp1d3m0s0urce00002/Image/Copy"
provider = "ecsclone.cn-shanghai"
}
resource "ecsclone_instance_group" "task_i-bp1d3m0s0urce00002_Instances_E57885FE" {
image_id = "${ecsclone_image_copy.task_i-bp1d3m0s0urce00002_Image_Copy_54ED91E6.id}"
instance_type = "ecs.g7.large"
vswitch_id = "${ecsclone_vswitch.task_VSwitchReplica-vsw-bp1d3m0s0urce0vsw01_VSwitch_3218F648.id}"
security_group_ids = [
"${ecsclone_security_group.task_SecurityGroupReplica-sg-bp1d3m0s0urce0sg001_SecurityGroup_92A4FEB0.id}",
"${ecsclone_security_group.task_SecurityGroupReplica-sg-bp1d3m0s0urce0sg002_SecurityGroup_DF52A960.id}"
]
amount = 3
allow_similar_instance_type = true
min_amount = 2
instance_charge_type = "PostPaid"
instance_name = "db-1-[1,3]"
host_name = "web-1-[1,3]"
system_disk_category = "cloud_essd"
system_disk_size = 40
internet_max_bandwidth_out = 5
tags = {
app = "web"
env = "demo"
team = "ops"
}
internet_charge_type = "PayByTraffic"
delete_images_after_launch = [
"${ecsclone_image_copy.task_i-bp1d3m0s0urce00002_Image_Copy_54ED91E6.id}",
"cn-hangzhou:${ecsclone_image.task_i-bp1d3m0s0urce00002_Image_423D53BF.id}"
]
image_source_instance_id = "i-bp1d3m0s0urce00002"
image_source_region_id = "cn-hangzhou"
owner = "clones/task/i-bp1d3m0s0urce00002/Instances"
provider = "ecsclone.cn-shanghai"
}
resource "ecsclone_image" "task_i-bp1d3m0s0urce00003_Image_75158612" {
instance_id = "i-bp1d3m0s0urce00003"
description = "cdk-clone image of i-bp1d3m0s0urce00003 for clones/task/i-bp1d3m0s0urce00003/Image"
transient = true
owner = "clones/task/i-bp1d3m0s0urce00003/Image/Image"
provider = "ecsclone.cn-hangzhou"
}
resource "ecsclone_image_copy" "task_i-bp1d3m0s0urce00003_Image_Copy_A9E999D2" {
source_image_id = "${ecsclone_image.task_i-bp1d3m0s0urce00003_Image_75158612.id}"
source_region_id = "cn-hangzhou"
description = "cdk-clone copy of i-bp1d3m0s0urce00003 (cn-hangzhou) for clones/task/i-bp1d3m0s0urce00003/Image"
transient = true
owner = "clones/task/i-bp1d3m0s0urce00003/Image/Copy"
provider = "ecsclone.cn-shanghai"
}
resource "ecsclone_instance_group" "task_i-bp1d3m0s0urce00003_Instances_04940115" {
image_id = "${ecsclone_image_copy.task_i-bp1d3m0s0urce00003_Image_Copy_A9E999D2.id}"
instance_type = "ecs.g7.large"
vswitch_id = "${ecsclone_vswitch.task_VSwitchReplica-vsw-bp1second0vsw2_VSwitch_556BEFA7.id}"
security_group_ids = [
"${ecsclone_security_group.task_SecurityGroupReplica-sg-bp1second0sg003_SecurityGroup_08F0AF32.id}"
]
amount = 3
allow_similar_instance_type = true
min_amount = 2
instance_charge_type = "PrePaid"
period = 3
period_unit = "Month"
instance_name = "web-1-[1,3]"
host_name = "web-1-[1,3]"
system_disk_category = "cloud_essd"
system_disk_size = 40
internet_max_bandwidth_out = 5
tags = {
app = "web"
env = "demo"
team = "ops"
}
internet_charge_type = "PayByTraffic"
delete_images_after_launch = [
"${ecsclone_image_copy.task_i-bp1d3m0s0urce00003_Image_Copy_A9E999D2.id}",
"cn-hangzhou:${ecsclone_image.task_i-bp1d3m0s0urce00003_Image_75158612.id}"
]
image_source_instance_id = "i-bp1d3m0s0urce00003"
image_source_region_id = "cn-hangzhou"
owner = "clones/task/i-bp1d3m0s0urce00003/Instances"
provider = "ecsclone.cn-shanghai"
}
resource "ecsclone_vpc" "task_VpcReplica-vpc-bp1second0vpc2_Vpc_3C862E07" {
cidr_block = "10.0.0.0/8"
vpc_name = "clone-of-vpc-bp1second0vpc2"
description = "cdk-clone replica of vpc-bp1second0vpc2"
owner = "clones/task/VpcReplica-vpc-bp1second0vpc2/Vpc"
provider = "ecsclone.cn-shanghai"
}
resource "ecsclone_vswitch" "task_VSwitchReplica-vsw-bp1second0vsw2_VSwitch_556BEFA7" {
vpc_id = "${ecsclone_vpc.task_VpcReplica-vpc-bp1second0vpc2_Vpc_3C862E07.id}"
zone_id = "cn-shanghai-b"
cidr_block = "10.1.0.0/16"
vswitch_name = "clone-of-vsw-bp1second0vsw2"
description = "cdk-clone replica of vsw-bp1second0vsw2"
owner = "clones/task/VSwitchReplica-vsw-bp1second0vsw2/VSwitch"
provider = "ecsclone.cn-shanghai"
}
resource "ecsclone_security_group" "task_SecurityGroupReplica-sg-bp1second0sg003_SecurityGroup_08F0AF32" {
vpc_id = "${ecsclone_vpc.task_VpcReplica-vpc-bp1second0vpc2_Vpc_3C862E07.id}"
security_group_name = "demo-web-sg"
description = "Web servers of the demo"
owner = "clones/task/SecurityGroupReplica-sg-bp1second0sg003/SecurityGroup"
ingress {
ip_protocol = "tcp"
port_range = "22/22"
cidr_ip = "0.0.0.0/0"
policy = "accept"
priority = 1
nic_type = "intranet"
description = "ssh"
}
ingress {
ip_protocol = "tcp"
port_range = "8000/8100"
cidr_ip = "192.168.0.0/16"
policy = "accept"
priority = 5
nic_type = "intranet"
}
ingress {
ip_protocol = "icmp"
port_range = "-1/-1"
cidr_ip = "10.0.0.0/8"
policy = "drop"
priority = 1
nic_type = "intranet"
}
egress {
ip_protocol = "all"
port_range = "-1/-1"
cidr_ip = "0.0.0.0/0"
policy = "accept"
priority = 1
nic_type = "intranet"
}
provider = "ecsclone.cn-shanghai"
}

output "cdk_clone_task" {
value = {
clones = {
i-bp1d3m0s0urce00001 = {
source_instance_id = "i-bp1d3m0s0urce00001"
source_region = "cn-hangzhou"
destination_region = "cn-shanghai"
instance_ids = "${ecsclone_instance_group.task_i-bp1d3m0s0urce00001_Instances_4E2A7B74.instance_ids}"
private_ips = "${ecsclone_instance_group.task_i-bp1d3m0s0urce00001_Instances_4E2A7B74.private_ips}"
image_id = "${ecsclone_image_copy.task_i-bp1d3m0s0urce00001_Image_Copy_FD90FECF.id}"
custom_image_id = "${ecsclone_image.task_i-bp1d3m0s0urce00001_Image_9CBA4CA3.id}"
copied_image_id = "${ecsclone_image_copy.task_i-bp1d3m0s0urce00001_Image_Copy_FD90FECF.id}"
images_kept = false
vpc_id = "${ecsclone_vpc.task_VpcReplica-vpc-bp1d3m0s0urce0vpc01_Vpc_FFFC563B.id}"
vswitch_id = "${ecsclone_vswitch.task_VSwitchReplica-vsw-bp1d3m0s0urce0vsw01_VSwitch_3218F648.id}"
security_group_ids = [
"${ecsclone_security_group.task_SecurityGroupReplica-sg-bp1d3m0s0urce0sg001_SecurityGroup_92A4FEB0.id}",
]
instance_type = "ecs.g7.large"
effective_instance_type = "${ecsclone_instance_group.task_i-bp1d3m0s0urce00001_Instances_4E2A7B74.effective_instance_type}"
amount = 3
created_amount = "${ecsclone_instance_group.task_i-bp1d3m0s0urce00001_Instances_4E2A7B74.created_amount}"
}
i-bp1d3m0s0urce00002 = {
source_instance_id = "i-bp1d3m0s0urce00002"
source_region = "cn-hangzhou"
destination_region = "cn-shanghai"
instance_ids = "${ecsclone_instance_group.task_i-bp1d3m0s0urce00002_Instances_E57885FE.instance_ids}"
private_ips = "${ecsclone_instance_group.task_i-bp1d3m0s0urce00002_Instances_E57885FE.private_ips}"
image_id = "${ecsclone_image_copy.task_i-bp1d3m0s0urce00002_Image_Copy_54ED91E6.id}"
custom_image_id = "${ecsclone_image.task_i-bp1d3m0s0urce00002_Image_423D53BF.id}"
copied_image_id = "${ecsclone_image_copy.task_i-bp1d3m0s0urce00002_Image_Copy_54ED91E6.id}"
images_kept = false
vpc_id = "${ecsclone_vpc.task_VpcReplica-vpc-bp1d3m0s0urce0vpc01_Vpc_FFFC563B.id}"
vswitch_id = "${ecsclone_vswitch.task_VSwitchReplica-vsw-bp1d3m0s0urce0vsw01_VSwitch_3218F648.id}"
security_group_ids = [
"${ecsclone_security_group.task_SecurityGroupReplica-sg-bp1d3m0s0urce0sg001_SecurityGroup_92A4FEB0.id}",
"${ecsclone_security_group.task_SecurityGroupReplica-sg-bp1d3m0s0urce0sg002_SecurityGroup_DF52A960.id}",
]
instance_type = "ecs.g7.large"
effective_instance_type = "${ecsclone_instance_group.task_i-bp1d3m0s0urce00002_Instances_E57885FE.effective_instance_type}"
amount = 3
created_amount = "${ecsclone_instance_group.task_i-bp1d3m0s0urce00002_Instances_E57885FE.created_amount}"
}
i-bp1d3m0s0urce00003 = {
source_instance_id = "i-bp1d3m0s0urce00003"
source_region = "cn-hangzhou"
destination_region = "cn-shanghai"
instance_ids = "${ecsclone_instance_group.task_i-bp1d3m0s0urce00003_Instances_04940115.instance_ids}"
private_ips = "${ecsclone_instance_group.task_i-bp1d3m0s0urce00003_Instances_04940115.private_ips}"
image_id = "${ecsclone_image_copy.task_i-bp1d3m0s0urce00003_Image_Copy_A9E999D2.id}"
custom_image_id = "${ecsclone_image.task_i-bp1d3m0s0urce00003_Image_75158612.id}"
copied_image_id = "${ecsclone_image_copy.task_i-bp1d3m0s0urce00003_Image_Copy_A9E999D2.id}"
images_kept = false
vpc_id = "${ecsclone_vpc.task_VpcReplica-vpc-bp1second0vpc2_Vpc_3C862E07.id}"
vswitch_id = "${ecsclone_vswitch.task_VSwitchReplica-vsw-bp1second0vsw2_VSwitch_556BEFA7.id}"
security_group_ids = [
"${ecsclone_security_group.task_SecurityGroupReplica-sg-bp1second0sg003_SecurityGroup_08F0AF32.id}",
]
instance_type = "ecs.g7.large"
effective_instance_type = "${ecsclone_instance_group.task_i-bp1d3m0s0urce00003_Instances_04940115.effective_instance_type}"
amount = 3
created_amount = "${ecsclone_instance_group.task_i-bp1d3m0s0urce00003_Instances_04940115.created_amount}"
}
}
}
description = "cdk-clone: clones of 3 source(s) (clones/task)"
}

provider "ecsclone" {
region = "cn-shanghai"
deployment = "clones@local:<cwd>/terraform.clones.tfstate"
alias = "cn-shanghai"
}

provider "ecsclone" {
region = "cn-hangzhou"
deployment = "clones@local:<cwd>/terraform.clones.tfstate"
alias = "cn-hangzhou"
}