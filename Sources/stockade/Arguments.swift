public import ArgumentParser
public import DANE
public import Logging
public import MTASTS
public import Store

// Enumerations given on the command line, parsed (and listed in `--help`) by ArgumentParser instead of strings
// validated by hand.

extension Logger.Level: @retroactive ExpressibleByArgument {}
extension DomainKind: ExpressibleByArgument {}
extension MTASTSPolicy.Mode: ExpressibleByArgument {}
extension TLSASelector: ExpressibleByArgument {}
extension TLSAMatchingType: ExpressibleByArgument {}

/// The certificate usages a mail server's TLSA record may have: 2 DANE-TA or 3 DANE-EE (RFC 7672 §3.1.3).
enum SMTPTLSAUsage: UInt8, ExpressibleByArgument, CaseIterable {
    case daneTA = 2
    case daneEE = 3

    var usage: TLSAUsage { self == .daneTA ? .daneTA : .daneEE }
}

/// How `stockade serve` writes its log.
enum LogFormat: String, ExpressibleByArgument, CaseIterable {
    /// `2026-12-06T08:00:00+0000 info stockade: message key=value` (swift-log's stream format).
    case text
    /// One JSON object a line: `{"time", "level", "label", "message", "metadata", "source"}`.
    case json
}
