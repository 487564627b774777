// Turns a loaded ZAP passive script into a Warden plugin object: reads its
// metadata (getMetadata()), gives scan(helper, msg, src) ZAP's helper
// (newAlert()...raise() with the metadata's defaults, the old 13- and
// 14-argument raiseAlert), honours appliesToHistoryType (HAR traffic is
// proxied traffic) and converts each raised alert into a finding (risk 0-3 to
// info..high, confidence kept). Evaluates to a function (std, lib,
// makeMessage) returning adapt(entry, stem), where entry holds the script's
// scan, getMetadata and appliesToHistoryType and stem is its file name.
(function zapAdapter(std, lib, makeMessage) {
  "use strict";
  const TYPE_PROXIED = 1;
  const SEVERITIES = ["info", "low", "medium", "high"];
  const CONFIDENCES = ["low", "low", "medium", "high", "high"];  // false positive .. confirmed

  const text = (value) => (value === null || value === undefined ? null : String(value));
  const int = (value) => {
    const n = Number(value);
    return Number.isFinite(n) ? Math.trunc(n) : 0;
  };

  // A Warden id from a file name: "Server Header Disclosure" -> "server-header-disclosure".
  function idFromStem(stem) {
    const id = String(stem).toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
    return id === "" ? "zap-script" : id;
  }

  function toFinding(alert, pluginName) {
    const finding = {
      title: alert.name || pluginName,
      severity: SEVERITIES[Math.min(Math.max(alert.risk, 0), 3)],
      confidence: CONFIDENCES[Math.min(Math.max(alert.confidence, 0), 4)],
    };
    const copy = (key, value) => {
      if (value !== null && value !== "") finding[key] = value;
    };
    copy("description", alert.description);
    copy("evidence", alert.evidence);
    copy("param", alert.param);
    copy("otherInfo", alert.otherInfo);
    copy("solution", alert.solution);
    if (alert.cweId > 0) finding.cwe = alert.cweId;
    if (alert.wascId > 0) finding.wasc = alert.wascId;
    const refs = (alert.reference || "").split("\n").map((r) => r.trim()).filter((r) => r !== "");
    if (refs.length) finding.references = refs;
    return finding;
  }

  // PluginPassiveScanner.AlertBuilder: every setter returns the builder.
  function makeBuilder(defaults, raised) {
    const alert = Object.assign({}, defaults);
    const builder = {};
    const setter = (name, key, convert) => {
      builder[name] = (value) => {
        alert[key] = convert(value);
        return builder;
      };
    };
    setter("setName", "name", text);
    setter("setRisk", "risk", int);
    setter("setConfidence", "confidence", int);
    setter("setDescription", "description", text);
    setter("setParam", "param", text);
    setter("setAttack", "attack", text);
    setter("setOtherInfo", "otherInfo", text);
    setter("setSolution", "solution", text);
    setter("setReference", "reference", text);
    setter("setEvidence", "evidence", text);
    setter("setCweId", "cweId", int);
    setter("setWascId", "wascId", int);
    setter("setUri", "uri", text);
    setter("setInputVector", "inputVector", text);
    setter("setAlertRef", "alertRef", text);
    setter("setPluginId", "pluginId", int);
    setter("setMessage", "message", (m) => m);
    setter("setTags", "tags", (t) => t);
    builder.addTag = () => builder;
    builder.setSource = () => builder;
    builder.raise = () => {
      raised.push(Object.assign({}, alert));
    };
    return Object.freeze(builder);
  }

  return function adapt(entry, stem) {
    if (typeof entry.scan !== "function") {
      throw new TypeError("a ZAP passive script must define function scan(helper, msg, src)");
    }
    let metadata = null;
    if (typeof entry.getMetadata === "function") {
      metadata = entry.getMetadata();
      if (!lib.isMetadata(metadata)) {
        throw new TypeError("getMetadata() must return ScanRuleMetadata.fromYaml(...)");
      }
    }
    const name = metadata ? metadata.getName() : String(stem);
    const id = metadata ? String(metadata.getId()) : idFromStem(stem);
    const pluginId = metadata ? metadata.getId() : 50001;  // ZAP's id for its script scanner
    const defaultsFor = (alertRef) => {
      const d = {
        pluginId, name, risk: 0, confidence: 2, description: null, uri: null, param: null,
        attack: null, otherInfo: null, solution: null, reference: null, evidence: null,
        cweId: -1, wascId: -1, alertRef: null,
      };
      if (!metadata) return d;
      const risk = metadata.getRisk();
      const confidence = metadata.getConfidence();
      Object.assign(d, {
        risk: risk ? risk.getValue() : 0,
        confidence: confidence ? confidence.getValue() : 2,
        description: metadata.getDescription(),
        solution: metadata.getSolution(),
        cweId: metadata.getCweId(),
        wascId: metadata.getWascId(),
        otherInfo: metadata.getOtherInfo(),
        reference: (metadata.getReferences() || []).join("\n"),
      });
      const overrides = metadata.getAlertRefOverrides();
      const o = alertRef !== null && overrides ? overrides[alertRef] : null;
      if (alertRef !== null) d.alertRef = alertRef;
      if (o && typeof o === "object") {
        if (o.name != null) d.name = String(o.name);
        if (o.description != null) d.description = String(o.description);
        if (o.solution != null) d.solution = String(o.solution);
        if (o.otherInfo != null) d.otherInfo = String(o.otherInfo);
        if (Array.isArray(o.references)) d.reference = o.references.map(String).join("\n");
        if (o.risk != null) d.risk = SEVERITIES.indexOf(String(o.risk).toLowerCase());
        if (o.confidence != null) {
          d.confidence = ["false_positive", "low", "medium", "high", "user_confirmed"].indexOf(
              String(o.confidence).toLowerCase());
        }
        if (o.cweId != null) d.cweId = int(o.cweId);
        if (o.wascId != null) d.wascId = int(o.wascId);
      }
      return d;
    };
    const baseDefaults = defaultsFor(null);

    const plugin = {
      id,
      name,
      version: "",
      helpUri: metadata ? metadata.getHelpLink() || "" : "",
      scan(txn) {
        if (typeof entry.appliesToHistoryType === "function" &&
            !entry.appliesToHistoryType(TYPE_PROXIED)) {
          return [];
        }
        const msg = makeMessage(txn);
        const raised = [];
        const helper = Object.freeze({
          newAlert: (alertRef) => makeBuilder(
              alertRef === undefined ? Object.assign({ message: msg }, baseDefaults)
                                     : Object.assign({ message: msg }, defaultsFor(String(alertRef))),
              raised),
          // raiseAlert(risk, confidence, name, description, uri, param, attack,
          //            otherInfo, solution, evidence, [reference,] cweId, wascId, msg)
          raiseAlert(...args) {
            if (args.length === 13) args.splice(10, 0, null);
            if (args.length !== 14) {
              throw new TypeError("raiseAlert takes 13 or 14 arguments, got " + args.length);
            }
            const [risk, confidence, alertName, description, uri, param, attack, otherInfo,
                   solution, evidence, reference, cweId, wascId] = args;
            makeBuilder(Object.assign({}, baseDefaults), raised)
                .setRisk(risk).setConfidence(confidence).setName(alertName)
                .setDescription(description).setUri(uri).setParam(param).setAttack(attack)
                .setOtherInfo(otherInfo).setSolution(solution).setReference(reference)
                .setEvidence(evidence).setCweId(cweId).setWascId(wascId).setMessage(args[13])
                .raise();
          },
          addHistoryTag: () => {},
          addTag: () => {},
          getAlertThreshold: () => lib.AlertThreshold.MEDIUM,
          getPluginId: () => pluginId,
          getName: () => name,
        });
        entry.scan(helper, msg, null);
        return raised.map((alert) => toFinding(alert, name));
      },
    };
    return plugin;
  };
})
