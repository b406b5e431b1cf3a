import Foundation
import Hummingbird
import KeyServer
import OpenPGP
import VKS

/// The key server's web pages (the search form is also on the home page, ``HomePage``): search, upload (then choose
/// addresses to verify), "check your mail", confirm a verification, and manage (request a link, then remove addresses).
/// Plain forms from the templates of ``PageTemplates``; nothing needs JavaScript.
struct KeyServerPages {
    let keyServer: KeyServer
    let limits: KeyServerLimits
    let templates: PageTemplates

    func add(to router: Router<StockadeRequestContext>) {
        let pages = router.group()
            .add(middleware: ClientRateLimitMiddleware(limits: limits))
            .add(middleware: PageErrorMiddleware(templates: templates))
        pages.get("/search") { request, _ in try await search(request.uri.queryParameters["q"].map(String.init)) }
        pages.get("/upload") { _, _ in templates.response(.upload, title: "Upload") }
        pages.post("/upload") { request, _ in
            let form = try await formFields(request)
            let response = try await pageCall { () async throws(KeyServerError) in
                try await keyServer.upload(Array((form["keytext"] ?? "").utf8))
            }
            return templates.response(.uploaded, title: "Uploaded", view: UploadView(response))
        }
        pages.post("/upload/verify") { request, _ in
            let form = try await formFields(request)
            let addresses = form.fields.filter { $0.name == "address" }.map(\.value)
            let response = try await pageCall { () async throws(KeyServerError) in
                try await keyServer.requestVerify(token: form["token"] ?? "", addresses: addresses)
            }
            return templates.response(.verificationSent, title: "Check your mail",
                                      view: VerificationSentView(requested: addresses, upload: UploadView(response)))
        }
        pages.get("/verify/:token") { _, context in
            let token = try context.parameters.require("token")
            let pending = try await pageCall { () async throws(KeyServerError) in try await keyServer.pendingVerification(token: token) }
            return templates.response(.confirm, title: "Confirm",
                                      view: ConfirmView(address: pending.address, fingerprint: pending.fingerprint.description, token: token))
        }
        pages.post("/verify/:token") { _, context in
            let token = try context.parameters.require("token")
            let done = try await pageCall { () async throws(KeyServerError) in try await keyServer.confirmVerification(token: token) }
            return templates.response(.published, title: "Published",
                                      view: PublishedView(address: done.address, fingerprint: done.fingerprint.description))
        }
        pages.get("/manage") { _, _ in templates.response(.manage, title: "Manage") }
        pages.post("/manage") { request, _ in
            let email = try await formFields(request)["email"] ?? ""
            try await pageCall { () async throws(KeyServerError) in try await keyServer.requestManage(address: email) }
            return templates.response(.manageLinkSent, title: "Check your mail", view: ["email": email])
        }
        pages.get("/manage/:token") { _, context in
            let token = try context.parameters.require("token")
            let key = try await pageCall { () async throws(KeyServerError) in try await keyServer.managedKey(token: token) }
            return templates.response(.managed, title: "Manage", view: ManagedView(key, token: token, removed: nil))
        }
        pages.post("/manage/:token") { request, context in
            let token = try context.parameters.require("token")
            let address = try await formFields(request)["address"] ?? ""
            let key = try await pageCall { () async throws(KeyServerError) in try await keyServer.unpublish(token: token, address: address) }
            return templates.response(.managed, title: "Manage", view: ManagedView(key, token: token, removed: address))
        }
    }

    /// `GET /search`: the form alone without `q`; with it, the keys found (404 when none, 400 when `q` is neither an
    /// address, a fingerprint nor a key ID).
    func search(_ query: String?) async throws -> Response {
        guard let query else { return templates.response(.search, title: "Search", view: SearchView(query: "")) }
        guard let search = HKPSearch(query) else {
            return templates.response(.search, title: "Search", view: SearchView(query: query, invalid: true), status: .badRequest)
        }
        let keys = try await pageCall { () async throws(KeyServerError) in try await keyServer.search(search) }
        guard !keys.isEmpty else {
            return templates.response(.search, title: "Search", view: SearchView(query: query, notFound: true), status: .notFound)
        }
        let found = keys.map { SearchView.Key(fingerprint: $0.fingerprint.description, userIDs: $0.userIDs.map(\.userID.value)) }
        return templates.response(.search, title: "Search", view: SearchView(query: query, keys: found))
    }

    func formFields(_ request: Request) async throws -> FormFields {
        let limit = keyServer.configuration.maxUploadBytes * 3
        guard let buffer = try? await request.body.collect(upTo: limit) else {
            throw VKSError(status: .contentTooLarge, message: "the form exceeds \(limit) bytes")
        }
        return try FormFields(String(buffer: buffer))
    }
}
