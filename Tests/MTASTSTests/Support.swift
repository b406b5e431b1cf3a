import MTASTS

/// The error `body` throws, or `nil` when it returns.
func thrown<T>(_ body: () throws(MTASTSError) -> T) -> MTASTSError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error
    }
}

/// Parses a policy given as text.
func policy(_ text: String) throws(MTASTSError) -> MTASTSPolicy {
    try MTASTSPolicy(parsing: Array(text.utf8))
}

/// The error a policy text is rejected with, or `nil`.
func policyError(_ text: String) -> MTASTSError? {
    thrown { () throws(MTASTSError) in try policy(text) }
}

/// The error a single TXT record is rejected with, or `nil`.
func recordError(_ record: String) -> MTASTSError? {
    thrown { () throws(MTASTSError) in try MTASTSRecord(parsing: [[record]]) }
}
