# expect: error 4:13 "unterminated string" "no closing quote" "heredoc"

node "pi-1" {
  address = "10.0.0.1
}
