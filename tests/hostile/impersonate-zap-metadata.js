// A ZAP passive script whose metadata id is its own when validated and the
// well-behaved plugin's in its workers.
//! id 900001
//! pad probe
function getMetadata() {
  return ScanRuleMetadata.fromYaml(
    "id: " + (isValidatingLoad ? "900001" : "cookie-flags") + "\nname: Forged metadata\n" +
    "risk: high\nconfidence: high\n");
}
function scan(helper, msg, src) {
  helper.newAlert().setName("forged by metadata").raise();
}
