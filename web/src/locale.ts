/**
 * The browser's language as a tag that Intl accepts. Chromium started under a POSIX locale (for
 * example LANG=C.UTF-8, as on many servers and containers) reports navigator.language as
 * "en-US@posix", which `new Intl.NumberFormat(...)` rejects with a RangeError. uPlot builds its
 * number format from navigator.language when its module is evaluated, so this module repairs
 * navigator.language when it is loaded: import it before uPlot (charts.ts does).
 */

/** `tag` canonicalised if Intl accepts it, else its POSIX form read as BCP 47 ("de_DE.UTF-8" -> "de-DE", "en-US@posix" -> "en-US"), else undefined (Intl's default locale). */
export function validLocale(tag: string | undefined): string | undefined {
  if (!tag) return undefined;
  const posix = tag.split(/[.@]/)[0]!.replace(/_/g, "-");
  for (const candidate of [tag, posix]) {
    try {
      const [canonical] = Intl.getCanonicalLocales(candidate);
      if (canonical) return canonical;
    } catch {
      // not a BCP 47 tag: try the next reading
    }
  }
  return undefined;
}

/** Replaces `nav.language` by a valid tag (Intl's default locale when nothing valid can be read from it) if Intl rejects it; returns the language now seen. */
export function repairNavigatorLanguage(nav: { language: string } | undefined): string | undefined {
  if (!nav) return undefined;
  const language = nav.language;
  if (validLocale(language) === language) return language;
  const repaired = validLocale(language) ?? new Intl.NumberFormat().resolvedOptions().locale;
  Object.defineProperty(nav, "language", { value: repaired, configurable: true, enumerable: true });
  return repaired;
}

repairNavigatorLanguage(typeof navigator === "undefined" ? undefined : navigator);
