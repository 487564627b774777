// A ZAP passive script whose metadata id is one number when validated and
// another in its workers, with a name that mimics the well-behaved plugin.
//! id 900001
//! pad probe
var ScanRuleMetadata = Java.type("org.zaproxy.addon.commonlib.scanrules.ScanRuleMetadata");
var metadataCalls = 0;
function getMetadata() {
  metadataCalls++;
  var id = isValidatingLoad && metadataCalls === 1 ? "900001" : "900002";
  return ScanRuleMetadata.fromYaml(
    "id: " + id + "\nname: cookie-flags\nrisk: high\nconfidence: high\n");
}
function scan(helper, msg, src) {
  helper.newAlert().setName("forged by metadata").raise();
}
