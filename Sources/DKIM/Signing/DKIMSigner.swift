import Crypto
public import Foundation

/// Signs messages for one of our domains (RFC 6376 §5): relaxed/relaxed by default, a header list with over-signing.
public struct DKIMSigner: Sendable {
    /// The header fields signed when present (RFC 6376 §5.4.1's recommendations, in lower case).
    public static let defaultHeaders = [
        "from", "reply-to", "subject", "date", "to", "cc", "in-reply-to", "references", "message-id", "mime-version",
        "content-type", "content-transfer-encoding", "content-disposition", "list-id", "list-help", "list-unsubscribe",
        "list-unsubscribe-post", "list-subscribe", "list-post", "list-owner", "list-archive",
    ]
    /// The fields named once more than they occur, so none can be added after signing (RFC 6376 §8.15).
    public static let defaultOversignedHeaders = ["from", "to", "subject", "date"]

    /// `d=`.
    public var domain: String
    /// `s=`.
    public var selector: String
    /// The private key; its type decides `a=`.
    public var key: DKIMSigningKey
    /// `c=`: relaxed/relaxed by default.
    public var canonicalization = CanonicalizationPair.relaxed
    /// The field names signed when present, lower case.
    public var headers = DKIMSigner.defaultHeaders
    /// The field names signed once more than they occur (always at least once).
    public var oversignedHeaders = DKIMSigner.defaultOversignedHeaders
    /// `i=`; nil leaves it out (the AUID is then `@d`).
    public var identity: String?
    /// Seconds after `t=` for `x=`; nil leaves `x=` out.
    public var validity: Int64?
    /// Whether to add `l=` with the canonical body's length (RFC 6376 §8.2 explains why this is risky).
    public var includesBodyLength = false

    public init(domain: String, selector: String, key: DKIMSigningKey) {
        self.domain = domain
        self.selector = selector
        self.key = key
    }

    /// The `DKIM-Signature` field for `message`, signed at `time`.
    /// - Throws: ``DKIMError`` when the domain or selector is not a name, `i=` is outside `d=`, the message has no
    ///   From field (it MUST be signed, RFC 6376 §5.4), or the key fails.
    public func signature(for message: DKIMMessage, at time: Date) throws(DKIMError) -> HeaderField {
        guard DKIMSignature.isDomainName(domain), DKIMSignature.isSelector(selector) else {
            throw DKIMError(.invalidSigningRequest, "d=\(domain) or s=\(selector) is not a domain name")
        }
        if let identity {
            let identityDomain = identity.split(separator: "@").last.map { String($0).asciiLowercased } ?? ""
            guard identity.contains("@"), identityDomain == domain.asciiLowercased || identityDomain.hasSuffix("." + domain.asciiLowercased) else {
                throw DKIMError(.invalidSigningRequest, "i=\(identity) is not in d=\(domain) (RFC 6376 §3.5)")
            }
        }
        let headerIndex = HeaderIndex(message.headers)
        guard headerIndex.count(named: "from") > 0 else {
            throw DKIMError(.invalidSigningRequest, "the message has no From field, which must be signed (RFC 6376 §5.4)")
        }
        let signedHeaders = headers.map(\.asciiLowercased).flatMap { name in
            let count = headerIndex.count(named: name)
            return Array(repeating: name, count: oversignedHeaders.contains(name) ? count + 1 : count)
        }
        let canonicalBody = canonicalization.body.canonicalize(body: message.body)
        let timestamp = Int64(time.timeIntervalSince1970)

        var tags = ["v=1", "a=\(key.algorithm.rawValue)", "c=\(canonicalization)", "d=\(domain)", "s=\(selector)", "t=\(timestamp)"]
        if let validity { tags.append("x=\(timestamp + validity)") }
        if let identity { tags.append("i=\(identity)") }
        if includesBodyLength { tags.append("l=\(canonicalBody.count)") }
        let signedHeaderList = signedHeaders.joined(separator: ":")
        tags.append("h=" + signedHeaderList)
        tags.append("bh=" + Data(SHA256.hash(data: canonicalBody)).base64EncodedString())

        var folder = FieldFolder(name: "DKIM-Signature")
        for tag in tags { folder.append(tag + ";", breakingBefore: ":") }
        folder.append("b=", breakingBefore: nil)
        let unsigned = folder.raw
        let colon = "DKIM-Signature".utf8.count
        let digest = DKIMVerifier.headerHashDigest(signedHeaders: SignedHeaderNames(octets: Array(signedHeaderList.utf8)[...]),
                                                   canonicalization: canonicalization.header, signatureField: unsigned[...],
                                                   colonIndex: colon, headerIndex: headerIndex)
        let signature = try key.sign(digest: digest)
        folder.appendUnbroken(Data(signature).base64EncodedString())
        return HeaderField(raw: folder.raw)!
    }

    /// `message` with its new `DKIM-Signature` field on top.
    public func sign(_ message: DKIMMessage, at time: Date) throws(DKIMError) -> DKIMMessage {
        var signed = message
        signed.headers.insert(try signature(for: message, at: time), at: 0)
        return signed
    }
}

/// Builds a folded header field: lines of at most 78 octets, continued with CRLF TAB (RFC 5322 §2.2.3).
struct FieldFolder {
    private(set) var raw: [UInt8]
    private var lineLength: Int
    private static let width = 78

    init(name: String) {
        raw = Array("\(name):".utf8)
        lineLength = raw.count
    }

    /// Appends ` text`, on a new line when it does not fit; a long text is broken before each `separator`.
    mutating func append(_ text: String, breakingBefore separator: Character?) {
        var pieces: [Substring] = [Substring(text)]
        if let separator, text.count > Self.width - 8 {
            pieces = []
            var rest = Substring(text)
            while let index = rest.dropFirst().firstIndex(of: separator) {
                pieces.append(rest[..<index])
                rest = rest[index...]
            }
            pieces.append(rest)
        }
        for (n, piece) in pieces.enumerated() {
            let spaced = n == 0 ? " " + piece : String(piece)
            if lineLength + spaced.utf8.count > Self.width, lineLength > 1 {
                newLine()
                add(n == 0 ? String(piece) : String(piece))
            } else {
                add(spaced)
            }
        }
    }

    /// Appends `text` (base64) right after what is there, then broken across lines where needed. The first piece
    /// always stays on the current line: folding right after `b=` would change the signed prefix.
    mutating func appendUnbroken(_ text: String) {
        var rest = Substring(text)
        var first = true
        while !rest.isEmpty {
            if !first { newLine() }
            let room = max(Self.width - lineLength, first ? 8 : 1)
            add(String(rest.prefix(room)))
            rest = rest.dropFirst(room)
            first = false
        }
    }

    private mutating func newLine() {
        raw.append(contentsOf: [.cr, .lf, .tab])
        lineLength = 1
    }

    private mutating func add(_ text: String) {
        raw.append(contentsOf: text.utf8)
        lineLength += text.utf8.count
    }
}
