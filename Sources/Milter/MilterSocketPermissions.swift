import Foundation

/// The mode and owners a `unix:PATH` listener's socket file gets right after it is bound, so that Postfix's `smtpd`
/// (user `postfix`, often chrooted under `/var/spool/postfix`) may connect: e.g. mode `0660`, group `postfix`.
public struct MilterSocketPermissions: Sendable, Equatable {
    /// The file mode (permission bits only, at most `0o777`), or nil to keep what the umask gave.
    public var mode: Int?
    /// The owning user's name, or nil to keep it.
    public var owner: String?
    /// The owning group's name, or nil to keep it.
    public var group: String?

    /// - Parameter mode: permission bits; nil when beyond `0o777`.
    public init?(mode: Int? = nil, owner: String? = nil, group: String? = nil) {
        if let mode, !(0...0o777).contains(mode) { return nil }
        self.mode = mode
        self.owner = owner
        self.group = group
    }

    /// Applies the owners, then the mode, to the file at `path`.
    ///
    /// - Throws: the file system's error (an unknown user or group, no permission to change the owner).
    public func apply(to path: String) throws {
        var attributes: [FileAttributeKey: Any] = [:]
        if let owner { attributes[.ownerAccountName] = owner }
        if let group { attributes[.groupOwnerAccountName] = group }
        if !attributes.isEmpty { try FileManager.default.setAttributes(attributes, ofItemAtPath: path) }
        if let mode { try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path) }
    }
}
