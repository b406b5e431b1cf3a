import Foundation

/// How much a finding matters, from best to worst.
public enum Severity: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// Done right.
    case ok
    /// Worth knowing; nothing to fix.
    case info
    /// Works, but weaker than it should be, or a SHOULD not met.
    case warning
    /// Broken, or a MUST not met: mail, reports or keys are affected.
    case error

    public static func < (lhs: Severity, rhs: Severity) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// What `stockade check` looks at, one grade each.
public enum Area: String, Sendable, Hashable, Codable, CaseIterable {
    case dnssec, mx, starttls, dane, mtaSTS = "mta-sts", tlsrpt, spf, dmarc, dkim, caa, wkd, publication

    /// The heading people read.
    public var title: String {
        switch self {
        case .dnssec: "DNSSEC"
        case .mx: "MX hosts"
        case .starttls: "STARTTLS and certificates"
        case .dane: "DANE"
        case .mtaSTS: "MTA-STS"
        case .tlsrpt: "TLS reporting"
        case .spf: "SPF"
        case .dmarc: "DMARC"
        case .dkim: "DKIM"
        case .caa: "CAA"
        case .wkd: "Web Key Directory"
        case .publication: "Published as configured"
        }
    }
}

/// One thing the audit found: right or wrong, in one line, with the section of the standard it rests on.
public struct Finding: Sendable, Hashable, Codable {
    public var area: Area
    public var severity: Severity
    /// A stable identifier, such as `spf-plus-all`, for tests and tooling.
    public var id: String
    /// One line for people.
    public var message: String
    /// The standard and section, such as `RFC 7208 §5.1`.
    public var reference: String

    /// A finding; a message that ends with the reference in parentheses (as library reasons often do) loses that end.
    public init(_ area: Area, _ severity: Severity, _ id: String, _ message: String, _ reference: String) {
        self.area = area
        self.severity = severity
        self.id = id
        self.message = message.hasSuffix(" (\(reference))") ? String(message.dropLast(reference.count + 3)) : message
        self.reference = reference
    }

    /// The reference a library reason ends with, such as `RFC 7672 §3` in `DANE matched (RFC 7672 §3)`, else `fallback`.
    static func reference(endingOf reason: String, fallback: String) -> String {
        guard reason.hasSuffix(")"), let open = reason.range(of: " (RFC ", options: .backwards) else { return fallback }
        let inner = reason[reason.index(open.lowerBound, offsetBy: 2)..<reason.index(before: reason.endIndex)]
        return inner.contains("(") || inner.contains(")") ? fallback : String(inner)
    }
}

/// The grade of one area: the worst severity among its findings.
public enum Grade: String, Sendable, Hashable, Codable {
    /// Nothing worse than information.
    case pass
    /// At least one warning.
    case warn
    /// At least one error.
    case fail

    init(_ findings: some Sequence<Finding>) {
        switch findings.map(\.severity).max() ?? .ok {
        case .ok, .info: self = .pass
        case .warning: self = .warn
        case .error: self = .fail
        }
    }
}
