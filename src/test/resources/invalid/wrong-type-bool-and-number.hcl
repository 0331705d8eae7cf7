# expect: error 4:19 "wrong type for port in ssh: expected a number, got a string" "port must be a number"
# expect: error 5:19 "wrong type for sudo in ssh: expected true or false, got a string"
ssh {
  port          = "twenty-two"
  sudo          = "yes"
}
