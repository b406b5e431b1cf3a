/// One extra header field of a ``MailMessage`` (RFC 5322 §2.2).
public struct MailHeader: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
