import Foundation
import Hummingbird
import KeyServer
import OpenPGP
import VKS

/// The key server's web pages (the search form is also on the home page, ``HomePage``): search, upload (then choose addresses to verify), "check your mail", confirm a
/// verification, and manage (request a link, then remove addresses). Plain forms; nothing needs JavaScript.
struct KeyServerPages {
    let keyServer: KeyServer
    let limits: KeyServerLimits

    func add(to router: Router<StockadeRequestContext>) {
        let pages = router.group().add(middleware: ClientRateLimitMiddleware(limits: limits))
        pages.get("/search") { request, _ in
            let query = request.uri.queryParameters["q"].map(String.init) ?? ""
            guard let search = HKPSearch(query) else {
                return HTMLPage.response(title: "Search", body: "<p id=\"result\">Search by one email address, a fingerprint or a 16-digit key ID.</p>",
                                         status: .badRequest)
            }
            let keys = try await pageCall { () async throws(KeyServerError) in try await keyServer.search(search) }
            guard !keys.isEmpty else {
                return HTMLPage.response(title: "Search", body: "<p id=\"result\">No key found for \(HTMLPage.escape(query)).</p>",
                                         status: .notFound)
            }
            let items = keys.map { key in
                let fingerprint = key.fingerprint.description
                let uids = key.userIDs.map { "<li class=\"uid\">\(HTMLPage.escape($0.userID.value))</li>" }.joined()
                return """
                    <li class="key"><a href="/vks/v1/by-fingerprint/\(fingerprint)"><code class="fingerprint">\(fingerprint)</code></a>
                    <ul>\(uids)</ul></li>
                    """
            }.joined()
            return HTMLPage.response(title: "Search", body: "<ul id=\"result\">\(items)</ul>")
        }
        pages.get("/upload") { _, _ in
            HTMLPage.response(title: "Upload", body: """
                <form method="post" action="/upload">
                <label for="keytext">Your public key, ASCII-armored</label><br>
                <textarea id="keytext" name="keytext" rows="16" cols="70" required></textarea><br>
                <button type="submit">Upload</button>
                </form>
                """)
        }
        pages.post("/upload") { request, _ in
            let form = try await formFields(request)
            let response = try await pageCall { () async throws(KeyServerError) in
                try await keyServer.upload(Array((form["keytext"] ?? "").utf8))
            }
            return HTMLPage.response(title: "Uploaded", body: uploadResult(response))
        }
        pages.post("/upload/verify") { request, _ in
            let form = try await formFields(request)
            let addresses = form.fields.filter { $0.name == "address" }.map(\.value)
            let response = try await pageCall { () async throws(KeyServerError) in
                try await keyServer.requestVerify(token: form["token"] ?? "", addresses: addresses)
            }
            return HTMLPage.response(title: "Check your mail", body: """
                <p id="result">A verification link is on its way to \(addresses.map { "<b>\(HTMLPage.escape($0))</b>" }.joined(separator: ", ")).
                Open it and confirm to publish.</p>
                \(uploadResult(response))
                """)
        }
        pages.get("/verify/:token") { _, context in
            let token = try context.parameters.require("token")
            let pending = try await pageCall { () async throws(KeyServerError) in try await keyServer.pendingVerification(token: token) }
            return HTMLPage.response(title: "Confirm", body: """
                <p>Publish <b id="address">\(HTMLPage.escape(pending.address))</b> in the key
                <code class="fingerprint">\(pending.fingerprint)</code>?</p>
                <form method="post" action="/verify/\(HTMLPage.escape(token))"><button type="submit" id="confirm">Publish</button></form>
                """)
        }
        pages.post("/verify/:token") { _, context in
            let token = try context.parameters.require("token")
            let done = try await pageCall { () async throws(KeyServerError) in try await keyServer.confirmVerification(token: token) }
            return HTMLPage.response(title: "Published", body: """
                <p id="result"><b>\(HTMLPage.escape(done.address))</b> is now published in the key
                <a href="/vks/v1/by-email/\(HTMLPage.escape(done.address))"><code class="fingerprint">\(done.fingerprint)</code></a>.</p>
                """)
        }
        pages.get("/manage") { _, _ in
            HTMLPage.response(title: "Manage", body: """
                <form method="post" action="/manage">
                <label for="email">The email address your key is published for</label>
                <input id="email" name="email" type="email" size="40" required>
                <button type="submit">Send me a link</button>
                </form>
                """)
        }
        pages.post("/manage") { request, _ in
            let form = try await formFields(request)
            let email = form["email"] ?? ""
            try await pageCall { () async throws(KeyServerError) in try await keyServer.requestManage(address: email) }
            return HTMLPage.response(title: "Check your mail", body: """
                <p id="result">If a key is published for <b>\(HTMLPage.escape(email))</b>, a link to manage it was mailed there.</p>
                """)
        }
        pages.get("/manage/:token") { _, context in
            let token = try context.parameters.require("token")
            let key = try await pageCall { () async throws(KeyServerError) in try await keyServer.managedKey(token: token) }
            return HTMLPage.response(title: "Manage", body: manageBody(key, token: token))
        }
        pages.post("/manage/:token") { request, context in
            let token = try context.parameters.require("token")
            let form = try await formFields(request)
            let key = try await pageCall { () async throws(KeyServerError) in
                try await keyServer.unpublish(token: token, address: form["address"] ?? "")
            }
            return HTMLPage.response(title: "Manage", body: "<p id=\"result\">Removed \(HTMLPage.escape(form["address"] ?? "")).</p>"
                                        + manageBody(key, token: token))
        }
    }

    func formFields(_ request: Request) async throws -> FormFields {
        let limit = keyServer.configuration.maxUploadBytes * 3
        guard let buffer = try? await request.body.collect(upTo: limit) else {
            throw VKSError(status: .contentTooLarge, message: "the form exceeds \(limit) bytes")
        }
        return try FormFields(String(buffer: buffer))
    }

    func uploadResult(_ response: VKSUploadResponse) -> String {
        let rows = response.status.sorted { $0.key < $1.key }.map { address, state in
            let action = state == .unpublished ? """
                <form method="post" action="/upload/verify"><input type="hidden" name="token" value="\(HTMLPage.escape(response.token))">\
                <input type="hidden" name="address" value="\(HTMLPage.escape(address))"><button type="submit">Send a verification mail</button></form>
                """ : ""
            return "<tr><td class=\"address\">\(HTMLPage.escape(address))</td><td class=\"state\">\(state.rawValue)</td><td>\(action)</td></tr>"
        }.joined()
        return """
            <p>Key <code class="fingerprint">\(response.keyFingerprint)</code></p>
            <table id="addresses"><tr><th>Address</th><th>State</th><th></th></tr>\(rows)</table>
            """
    }

    func manageBody(_ key: ManagedKey, token: String) -> String {
        let rows = key.addresses.map { address in
            """
            <li class="published"><span class="address">\(HTMLPage.escape(address))</span>
            <form method="post" action="/manage/\(HTMLPage.escape(token))"><input type="hidden" name="address" value="\(HTMLPage.escape(address))">\
            <button type="submit">Remove</button></form></li>
            """
        }.joined()
        return """
            <p>Key <code class="fingerprint">\(key.fingerprint)</code></p>
            <ul id="addresses">\(rows)</ul>
            """
    }
}
