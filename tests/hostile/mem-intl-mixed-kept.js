// Every kind of ICU-backed Intl object, kept across scans.
//! har-repeat 3
const kept = [];
export default {
  id: "mem-intl-mixed-kept",
  scan() {
    const locales = ["de", "fr", "ja", "zh-Hant", "ar", "hi", "ru", "ko"];
    for (let i = 0; i < 1500; i++) {
      const locale = locales[i % locales.length];
      kept.push(new Intl.Collator(locale), new Intl.NumberFormat(locale, { style: "currency", currency: "EUR" }),
                new Intl.PluralRules(locale), new Intl.RelativeTimeFormat(locale),
                new Intl.Segmenter(locale, { granularity: "word" }), new Intl.ListFormat(locale),
                new Intl.DisplayNames(locale, { type: "region" }));
    }
    return [];
  },
};
