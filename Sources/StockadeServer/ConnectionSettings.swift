/// `"connections"` in the configuration: how long the HTTP listener waits for a client, and how many clients it holds
/// at once. Every key is optional; the socketmap listener has its own (``SocketmapSettings``).
public struct ConnectionSettings: Codable, Sendable, Equatable {
    /// Seconds a connection may stay open between requests (keep-alive) before the server closes it. Default 60.
    public var idleTimeout: Double?
    /// Seconds a client has to send a whole request head, counted from the connection's start or from the first
    /// byte of a later request, and the longest pause allowed inside a request body. Default 10.
    public var requestHeadTimeout: Double?
    /// Connections held at once; beyond it the listener stops accepting until one closes. Default 10 000.
    public var maxConnections: Int?

    public static let defaultIdleTimeout = 60.0
    public static let defaultRequestHeadTimeout = 10.0
    public static let defaultMaxConnections = 10_000

    public init(idleTimeout: Double? = nil, requestHeadTimeout: Double? = nil, maxConnections: Int? = nil) {
        self.idleTimeout = idleTimeout
        self.requestHeadTimeout = requestHeadTimeout
        self.maxConnections = maxConnections
    }

    /// The settings with their defaults applied, checked.
    func resolved() throws -> (idle: Duration, requestHead: Duration, maxConnections: Int) {
        let idle = idleTimeout ?? Self.defaultIdleTimeout
        let head = requestHeadTimeout ?? Self.defaultRequestHeadTimeout
        let maximum = maxConnections ?? Self.defaultMaxConnections
        guard idle > 0, idle.isFinite else { throw ConfigurationError(reason: "connections.idleTimeout must be a positive number of seconds") }
        guard head > 0, head.isFinite else {
            throw ConfigurationError(reason: "connections.requestHeadTimeout must be a positive number of seconds")
        }
        guard maximum > 0 else { throw ConfigurationError(reason: "connections.maxConnections must be at least 1") }
        return (.milliseconds(Int64(idle * 1000)), .milliseconds(Int64(head * 1000)), maximum)
    }
}
