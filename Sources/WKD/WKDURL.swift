/// The two places a domain can publish a key (draft-koch-openpgp-webkey-service-22 §3.1).
public enum WKDMethod: String, Sendable, Hashable, CaseIterable {
    /// `https://openpgpkey.<domain>/.well-known/openpgpkey/<domain>/hu/<hash>?l=<local>`
    case advanced
    /// `https://<domain>/.well-known/openpgpkey/hu/<hash>?l=<local>`
    case direct
}

extension WKDAddress {
    /// The host a method asks.
    public func host(_ method: WKDMethod) -> String {
        method == .advanced ? "openpgpkey.\(domain)" : domain
    }

    /// The path and query of the key for a method.
    public func path(_ method: WKDMethod) -> String {
        let prefix = method == .advanced ? "/.well-known/openpgpkey/\(domain)" : "/.well-known/openpgpkey"
        return "\(prefix)/hu/\(hash)?l=\(Self.percentEncoded(localPart))"
    }

    /// The full URL of the key for a method.
    public func url(_ method: WKDMethod) -> String {
        "https://\(host(method))\(path(method))"
    }

    /// The URL of the domain's policy file for a method (§4.5).
    public func policyURL(_ method: WKDMethod) -> String {
        let prefix = method == .advanced ? "/.well-known/openpgpkey/\(domain)" : "/.well-known/openpgpkey"
        return "https://\(host(method))\(prefix)/policy"
    }

    /// Percent-encodes everything but RFC 3986 unreserved characters, as the `l=` parameter needs.
    static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(Character(Unicode.Scalar(byte)))
            default:
                let hex = Array("0123456789ABCDEF")
                out += "%\(hex[Int(byte >> 4)])\(hex[Int(byte & 0xF)])"
            }
        }
        return out
    }
}
