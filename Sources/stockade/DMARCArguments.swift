import ArgumentParser
import DMARC

/// `--spf RESULT:DOMAIN`: an SPF result (RFC 7208 §2.6) and the domain it was computed for.
struct SPFArgument: ExpressibleByArgument {
    let outcome: SPFOutcome

    init?(argument: String) {
        guard let (result, domain) = splitOutcome(argument), let code = SPFOutcome.Result(rawValue: result) else { return nil }
        outcome = SPFOutcome(result: code, domain: domain)
    }

    static var defaultCompletionKind: CompletionKind { .list(SPFOutcome.Result.allCases.map { $0.rawValue + ":" }) }
}

/// `--dkim RESULT:DOMAIN`: a DKIM signature's result (RFC 8601 §2.7.1) and its `d=`.
struct DKIMArgument: ExpressibleByArgument {
    let outcome: DKIMOutcome

    init?(argument: String) {
        guard let (result, domain) = splitOutcome(argument), let code = DKIMOutcome.Result(rawValue: result) else { return nil }
        outcome = DKIMOutcome(result: code, domain: domain)
    }

    static var defaultCompletionKind: CompletionKind { .list(DKIMOutcome.Result.allCases.map { $0.rawValue + ":" }) }
}

/// `result:domain`, both non-empty, the result lower-cased.
private func splitOutcome(_ argument: String) -> (String, String)? {
    let parts = argument.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
    guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
    return (parts[0].lowercased(), String(parts[1]))
}
