public import DNS

/// One header field of a response, as received (RFC 9110 §5).
public struct FetchHeader: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// A successful (200 OK) response to ``HTTPFetcher/get(_:policy:)``.
public struct FetchResponse: Sendable, Hashable {
    /// Always 200: any other final status is an ``HTTPFetchError/status(_:_:body:)``.
    public var status: Int
    /// Header fields in the order received.
    public var headers: [FetchHeader]
    /// The body, at most the policy's ``FetchPolicy/maximumBodySize`` bytes.
    public var body: [UInt8]
    /// The URL that answered, after redirects.
    public var finalURL: String
    /// The IP address the answer came from.
    public var address: String
    /// What DNSSEC proved about the final host's address records (the weaker of A and AAAA when both were used).
    public var dnssec: DNSSECStatus

    public init(status: Int, headers: [FetchHeader], body: [UInt8], finalURL: String, address: String, dnssec: DNSSECStatus) {
        self.status = status
        self.headers = headers
        self.body = body
        self.finalURL = finalURL
        self.address = address
        self.dnssec = dnssec
    }

    /// The first value of a header field, its name compared case-insensitively (RFC 9110 §5.1).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The media type of `Content-Type` without parameters, lower-cased (RFC 9110 §8.3.1), if there is one.
    public var mediaType: String? { header("Content-Type").map(Self.mediaType(of:)) }

    static func mediaType(of value: String) -> String {
        let type = value.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return type.trimmingBlanks().lowercased()
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs (RFC 9110 §5.6.3 OWS).
    package func trimmingBlanks() -> String {
        var slice = self[...]
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}
