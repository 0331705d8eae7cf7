# A default is a plain value: it cannot read other variables or resources.
# expect: error 5:27 "the default of variable \"ip\" cannot refer to var.subnet" "plain value"
# expect: error 8:25 "\"address\" in node \"pi-1\" cannot be null" "give it a value"
variable "subnet" { default = "10.0.0" }
variable "ip" { default = var.subnet }
variable "nothing" { default = null }

node "pi-1" { address = var.nothing }
