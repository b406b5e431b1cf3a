import Foundation
import Hummingbird
import Mustache

/// The server's web pages: Mustache templates from the `Templates` resource folder, loaded once at start, each page
/// filling the `main` block of the one layout (`layout.mustache`: title, navigation, main). Mustache's `{{name}}`
/// escapes `& < > " '`, and no template uses the unescaped forms, so everything a page echoes is escaped.
struct PageTemplates: Sendable {
    /// The parts of the server the navigation links to.
    struct Navigation: Sendable {
        /// Search, Upload and Manage are linked when the key server is on.
        let keyServer: Bool
        /// `/dev/mail` is linked when the development mail sink is on.
        let devMail: Bool
    }

    /// One page's template, named after its file in `Templates/`.
    enum Page: String, CaseIterable, Sendable {
        case home, search, upload, uploaded, verificationSent = "verification-sent", confirm, published
        case manage, manageLinkSent = "manage-link-sent", managed, devMail = "dev-mail", error
        case reportDashboard = "report-dashboard", reportDMARC = "report-dmarc"
        case audit
    }

    /// The templates the pages include: the layout and shared parts.
    static let partials = ["layout", "search-form", "upload-result", "managed-key"]

    /// SwiftPM's resource bundle of this target, which `make install` puts next to the binary.
    static let bundleName = "Stockade_StockadeServer.resources"

    let library: MustacheLibrary
    let navigation: Navigation

    /// Loads the templates from the resource bundle next to the binary (SwiftPM's `Bundle.module`:
    /// `Stockade_StockadeServer.resources/Templates`).
    /// - Throws: ``ConfigurationError`` when the bundle is not installed, or a template is missing or does not parse.
    static func load(navigation: Navigation) async throws -> PageTemplates {
        #if os(Linux)
        // Without it Bundle.module would stop the process with a fatal error (or use the build folder if still there).
        let installed = Bundle.main.bundleURL.appendingPathComponent(bundleName)
        guard FileManager.default.fileExists(atPath: installed.path) else {
            throw ConfigurationError(reason: "the page templates are missing: install \(bundleName) next to the binary, at \(installed.path)"
                                        + " (make install does)")
        }
        #endif
        guard let folder = Bundle.module.resourceURL?.appendingPathComponent("Templates") else {
            throw ConfigurationError(reason: "the page templates are missing: no resource folder in \(Bundle.module.bundlePath)")
        }
        let library: MustacheLibrary
        do {
            library = try await MustacheLibrary(directory: folder.path)
        } catch {
            throw ConfigurationError(reason: "the page templates in \(folder.path) do not parse: \(error)")
        }
        let missing = (Page.allCases.map(\.rawValue) + partials).filter { library.getTemplate(named: $0) == nil }
        guard missing.isEmpty else {
            throw ConfigurationError(reason: "page templates missing in \(folder.path): \(missing.joined(separator: ", "))")
        }
        return PageTemplates(library: library, navigation: navigation)
    }

    /// The HTML of `page` with `view` (a value whose stored properties the template names) inside the layout.
    func render(_ page: Page, title: String, view: Any) -> String {
        // `load` checked that every page's template exists.
        library.render(LayoutContext(title: title, navigation: navigation, page: view), withTemplate: page.rawValue) ?? ""
    }

    /// ``render(_:title:view:)`` as an uncached `text/html` response.
    func response(_ page: Page, title: String, view: Any = [String: String](), status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: render(page, title: title, view: view))))
    }
}

/// What the layout reads; the layout renders the page's block inside `{{#page}}`, so a page's template names its
/// view's properties directly and still reaches `title` and `navigation`.
private struct LayoutContext {
    let title: String
    let navigation: PageTemplates.Navigation
    let page: Any
}
