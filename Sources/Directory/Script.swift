/// A small script classifier, enough for UTS #39 §5.2 mixed-script detection on addresses.
///
/// Letters are classified by these ranges (a subset of Unicode's Scripts.txt):
/// - Latin: U+0041–005A, U+0061–007A, U+00AA, U+00BA, U+00C0–024F (minus U+00D7, U+00F7), U+0250–02AF (IPA),
///   U+1D00–1DBF (phonetic extensions), U+1E00–1EFF, U+2C60–2C7F, U+A720–A7FF, U+AB30–AB6F, U+FB00–FB06,
///   U+FF21–FF3A, U+FF41–FF5A (fullwidth);
/// - Greek: U+0370–03FF, U+1F00–1FFF;
/// - Cyrillic: U+0400–052F, U+1C80–1C8F, U+2DE0–2DFF, U+A640–A69F;
/// - Armenian: U+0531–058F, U+FB13–FB17;
/// - Hebrew: U+0591–05FF, U+FB1D–FB4F;
/// - Arabic: U+0600–06FF, U+0750–077F, U+08A0–08FF, U+FB50–FDFF, U+FE70–FEFC;
/// - Han: U+2E80–2FDF, U+3005, U+3007, U+3021–3029, U+3038–303B, U+3400–4DBF, U+4E00–9FFF, U+F900–FAFF,
///   U+20000–2FA1F, U+30000–323AF;
/// - Hiragana: U+3041–3096, U+309D–309F;
/// - Katakana: U+30A1–30FA, U+30FD–30FF, U+31F0–31FF, U+32D0–32FE, U+FF66–FF9D (halfwidth, minus U+FF70);
/// - Hangul: U+1100–11FF, U+3131–318E, U+A960–A97F, U+AC00–D7FF, U+FFA0–FFDC;
/// - Bopomofo: U+3100–312F, U+31A0–31BF.
/// Common: everything that is not a letter or a mark by general category (digits of any script, punctuation,
/// symbols, separators), plus the Japanese prolonged sound mark and middle dot U+30FB–30FC and U+FF70.
/// Inherited: the marks (general categories Mn, Mc, Me), e.g. the combining diacritics U+0300–036F, which take
/// the script of the letter they follow.
/// Letters outside these ranges are `.other`: one such script alone is accepted, mixed with a classified script
/// it is refused (two unclassified scripts together are not told apart).
enum Script: Hashable, Sendable {
    case common, inherited
    case latin, greek, cyrillic, armenian, hebrew, arabic, han, hiragana, katakana, hangul, bopomofo
    case other

    init(_ scalar: Unicode.Scalar) {
        let v = scalar.value
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark:
            self = .inherited
            return
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            break
        default:
            self = .common
            return
        }
        switch v {
        case 0x41...0x5A, 0x61...0x7A, 0xAA, 0xBA, 0xC0...0x24F, 0x250...0x2AF, 0x1D00...0x1DBF, 0x1E00...0x1EFF,
             0x2C60...0x2C7F, 0xA720...0xA7FF, 0xAB30...0xAB6F, 0xFB00...0xFB06, 0xFF21...0xFF3A, 0xFF41...0xFF5A:
            self = .latin
        case 0x370...0x3FF, 0x1F00...0x1FFF: self = .greek
        case 0x400...0x52F, 0x1C80...0x1C8F, 0x2DE0...0x2DFF, 0xA640...0xA69F: self = .cyrillic
        case 0x531...0x58F, 0xFB13...0xFB17: self = .armenian
        case 0x591...0x5FF, 0xFB1D...0xFB4F: self = .hebrew
        case 0x600...0x6FF, 0x750...0x77F, 0x8A0...0x8FF, 0xFB50...0xFDFF, 0xFE70...0xFEFC: self = .arabic
        case 0x30FB, 0x30FC, 0xFF70: self = .common
        case 0x2E80...0x2FDF, 0x3005, 0x3007, 0x3021...0x3029, 0x3038...0x303B, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xF900...0xFAFF, 0x20000...0x2FA1F, 0x30000...0x323AF:
            self = .han
        case 0x3041...0x3096, 0x309D...0x309F: self = .hiragana
        case 0x30A1...0x30FA, 0x30FD...0x30FF, 0x31F0...0x31FF, 0x32D0...0x32FE, 0xFF66...0xFF9D: self = .katakana
        case 0x1100...0x11FF, 0x3131...0x318E, 0xA960...0xA97F, 0xAC00...0xD7FF, 0xFFA0...0xFFDC: self = .hangul
        case 0x3100...0x312F, 0x31A0...0x31BF: self = .bopomofo
        default: self = .other
        }
    }

    /// The script combinations UTS #39 §5.2 calls "Highly Restrictive", each with Latin allowed:
    /// Japanese (Han, Hiragana, Katakana), Chinese (Han, Bopomofo), Korean (Han, Hangul).
    private static let allowedCombinations: [Set<Script>] = [
        [.latin, .han, .hiragana, .katakana],
        [.latin, .han, .bopomofo],
        [.latin, .han, .hangul],
    ]

    /// The scripts of `text` other than Common and Inherited, when they mix in a way UTS #39 "Highly Restrictive"
    /// refuses; nil when the text is single-script or one of the allowed combinations.
    static func mixture(in text: String) -> Set<Script>? {
        let scripts = Set(text.unicodeScalars.map(Script.init)).subtracting([.common, .inherited])
        guard scripts.count > 1 else { return nil }
        if allowedCombinations.contains(where: { scripts.isSubset(of: $0) }) { return nil }
        return scripts
    }
}

extension Unicode.Scalar {
    /// Characters that render as nothing or reorder text: format (Cf) and control (Cc) characters, default-ignorable
    /// code points (zero-width space/joiners U+200B–200D, word joiner U+2060, BOM U+FEFF, soft hyphen U+00AD, bidi
    /// controls U+200E–200F, U+202A–202E, U+2066–2069, variation selectors, Hangul fillers), separators other than
    /// ASCII space, and private-use, surrogate or unassigned code points.
    var isInvisibleOrUnassigned: Bool {
        if properties.isDefaultIgnorableCodePoint { return true }
        switch value {
        case 0xAD, 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2064, 0x2066...0x2069, 0xFEFF: return true
        default: break
        }
        switch properties.generalCategory {
        case .format, .control, .privateUse, .surrogate, .unassigned, .lineSeparator, .paragraphSeparator: return true
        case .spaceSeparator: return value != 0x20
        default: return false
        }
    }
}
