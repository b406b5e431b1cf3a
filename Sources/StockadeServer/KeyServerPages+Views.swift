import Foundation
import KeyServer
import VKS

/// `search.mustache`: the query (echoed in the form) and what it found.
struct SearchView {
    struct Key { let fingerprint: String; let userIDs: [String] }

    let query: String
    var invalid = false
    var notFound = false
    var keys: [Key] = []
}

/// `upload-result.mustache`: an uploaded key's addresses, each unpublished one with a form asking for its mail.
struct UploadView {
    struct Address { let address, state: String; let unpublished: Bool }

    let fingerprint: String
    let token: String
    let addresses: [Address]

    init(_ response: VKSUploadResponse) {
        fingerprint = response.keyFingerprint
        token = response.token
        addresses = response.status.sorted { $0.key < $1.key }.map {
            Address(address: $0.key, state: $0.value.rawValue, unpublished: $0.value == .unpublished)
        }
    }
}

/// `verification-sent.mustache`: the addresses a mail went to, and the key's addresses again.
struct VerificationSentView {
    let requested: [String]
    let upload: UploadView
}

/// `confirm.mustache`: the address a verification link publishes, and the token the Publish button posts to.
struct ConfirmView { let address, fingerprint, token: String }

/// `published.mustache`: the address just published.
struct PublishedView {
    let address, fingerprint: String
    /// The address as one URL path segment, for the VKS by-email link.
    let addressInPath: String

    init(address: String, fingerprint: String) {
        self.address = address
        self.fingerprint = fingerprint
        addressInPath = address.addingPercentEncoding(withAllowedCharacters: CharacterSet.urlPathAllowed.subtracting(["/"])) ?? address
    }
}

/// `managed.mustache` with `managed-key.mustache`: a key's published addresses behind a manage token.
struct ManagedView {
    let fingerprint: String
    let addresses: [String]
    let token: String
    /// The address just removed, if any.
    let removed: String?

    init(_ key: ManagedKey, token: String, removed: String?) {
        fingerprint = key.fingerprint.description
        addresses = key.addresses
        self.token = token
        self.removed = removed
    }
}
