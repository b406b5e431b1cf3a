public import Foundation

/// One key in an HKP machine-readable index (draft-shaw-openpgp-hkp-00 §5.2).
public struct HKPIndexEntry: Sendable, Hashable {
    /// The fingerprint, upper-case hex (the draft allows a key ID; fingerprints are what clients want).
    public var fingerprint: String
    /// The OpenPGP public-key algorithm number (RFC 9580 §9.1).
    public var algorithm: Int
    public var bits: Int?
    public var created: Date
    public var expires: Date?
    /// `r` revoked, `e` expired, `d` disabled, in any combination.
    public var flags: String
    public var userIDs: [String]

    public init(fingerprint: String, algorithm: Int, bits: Int?, created: Date, expires: Date?, flags: String, userIDs: [String]) {
        self.fingerprint = fingerprint
        self.algorithm = algorithm
        self.bits = bits
        self.created = created
        self.expires = expires
        self.flags = flags
        self.userIDs = userIDs
    }
}

/// The machine-readable index: `info:1:N` then `pub:` and `uid:` lines.
public enum HKPIndex {
    /// Renders entries; user IDs are percent-escaped (`%`, `:`, controls and non-ASCII octets, §5.2).
    public static func render(_ entries: [HKPIndexEntry]) -> String {
        var out = "info:1:\(entries.count)\n"
        for e in entries {
            out += "pub:\(e.fingerprint):\(e.algorithm):\(e.bits.map(String.init) ?? ""):\(seconds(e.created)):"
                + "\(e.expires.map(seconds) ?? ""):\(e.flags)\n"
            for u in e.userIDs { out += "uid:\(escape(u))::::\n" }
        }
        return out
    }

    /// Parses an index; lines of unknown kinds are skipped, as §5.2 requires of clients.
    public static func parse(_ text: String) -> [HKPIndexEntry] {
        var entries: [HKPIndexEntry] = []
        for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let f = line.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            switch f.first {
            case "pub" where f.count >= 5:
                entries.append(HKPIndexEntry(
                    fingerprint: f[1].uppercased(), algorithm: Int(f[2]) ?? 0, bits: Int(f[3]),
                    created: Date(timeIntervalSince1970: Double(f[4]) ?? 0),
                    expires: f.count > 5 ? Double(f[5]).map { Date(timeIntervalSince1970: $0) } : nil,
                    flags: f.count > 6 ? f[6] : "", userIDs: []))
            case "uid" where f.count >= 2 && !entries.isEmpty:
                entries[entries.count - 1].userIDs.append(unescape(f[1]))
            default:
                continue
            }
        }
        return entries
    }

    private static func seconds(_ d: Date) -> String { String(Int(d.timeIntervalSince1970)) }

    static func escape(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            if b < 0x20 || b >= 0x7F || b == UInt8(ascii: "%") || b == UInt8(ascii: ":") {
                out += String(format: "%%%02X", b)
            } else {
                out.unicodeScalars.append(Unicode.Scalar(b))
            }
        }
        return out
    }

    static func unescape(_ s: String) -> String {
        var bytes: [UInt8] = []
        var i = s.utf8.startIndex
        let u = s.utf8
        while i < u.endIndex {
            if u[i] == UInt8(ascii: "%"), let a = u.index(i, offsetBy: 1, limitedBy: u.endIndex), a < u.endIndex,
               let b = u.index(i, offsetBy: 2, limitedBy: u.endIndex), b < u.endIndex,
               let v = UInt8(String(decoding: [u[a], u[b]], as: UTF8.self), radix: 16) {
                bytes.append(v)
                i = u.index(i, offsetBy: 3)
            } else {
                bytes.append(u[i])
                i = u.index(after: i)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
