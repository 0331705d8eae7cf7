# expect: error 5:3 "unknown attribute \"private_kye\" in ssh; did you mean \"private_key\"?" "ssh block accepts: user, port"
# expect: error 6:3 "unknown attribute \"hostkey_policy\" in ssh; did you mean \"host_key_policy\"?"

ssh {
  private_kye    = "~/.ssh/id_ed25519"
  hostkey_policy = "accept-new"
}
