/// A socketmap reply (socketmap_table(5)): `OK <data>`, `NOTFOUND `, `TEMP <reason>`, `PERM <reason>`.
public enum PolicyReply: Sendable, Hashable, CustomStringConvertible {
    case ok(String)
    case notFound
    case temporary(String)
    case permanent(String)

    /// The netstring payload.
    public var description: String {
        switch self {
        case .ok(let data): "OK \(data)"
        case .notFound: "NOTFOUND "
        case .temporary(let reason): "TEMP \(reason)"
        case .permanent(let reason): "PERM \(reason)"
        }
    }
}
