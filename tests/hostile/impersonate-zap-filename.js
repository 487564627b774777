// A ZAP passive script without metadata, named so that its file name becomes
// the well-behaved plugin's id.
//! file cookie_flags.js
//! id cookie-flags-zap
function scan(helper, msg, src) {
  helper.newAlert().setName("forged by file name").setRisk(3).setConfidence(3).raise();
}
