# expect: error 8:5 "invalid ignore rule \"k3s_agent\"" "ADDRESS.ATTRIBUTE"
# expect: error 9:5 "unknown type \"k3s_agnet\" in the ignore rule \"k3s_agnet.workers.version\"" "did you mean \"k3s_agent\"" "or health"
# expect: error 10:5 "invalid ignore rule \"health.pi[" "without brackets"
# expect: error 13:20 "wrong type" "true or false"
node "pi" { address = "10.0.0.1" }
drift {
  ignore = [
    "k3s_agent",
    "k3s_agnet.workers.version",
    "health.pi[\"x\"].sd_card_boot",
    "node.*.hostname",
  ]
  fail_on_health = "often"
}
