import Foundation
import Hummingbird

/// For development only, when `mail.sink` is set: `GET /dev/mail` lists the messages the sink kept, newest first (time,
/// recipient, subject, and the first link of each), and `GET /dev/mail/<name>` shows one as `text/plain`. Only names
/// of files the sink wrote are served; anything else is a 404.
struct DevMailRoutes {
    let sink: MailSink

    func add(to router: Router<StockadeRequestContext>) {
        router.get("/dev/mail") { _, _ in
            let messages = sink.names().prefix(MailSink.listLimit).compactMap(sink.message(named:))
            guard !messages.isEmpty else {
                return HTMLPage.response(title: "Development mail", body: """
                    <p id="result">No mail yet. Upload a key at <a href="/upload">/upload</a> and ask for a verification mail;
                    it lands here instead of being sent.</p>
                    """)
            }
            let rows = messages.map { message in
                let link = message.firstLink.map { "<a class=\"link\" href=\"\(HTMLPage.escape($0))\">\(HTMLPage.escape($0))</a>" } ?? ""
                return """
                    <tr class="message"><td class="date">\(HTMLPage.escape(message.header("Date")))</td>\
                    <td class="to">\(HTMLPage.escape(message.header("To")))</td>\
                    <td class="subject"><a href="/dev/mail/\(HTMLPage.escape(message.name))">\(HTMLPage.escape(message.header("Subject")))</a></td>\
                    <td>\(link)</td></tr>
                    """
            }.joined(separator: "\n")
            return HTMLPage.response(title: "Development mail", body: """
                <p>Mail the server would have sent, kept in <code>\(HTMLPage.escape(sink.folder.path))</code> (development only).</p>
                <table id="messages"><tr><th>Date</th><th>To</th><th>Subject</th><th>Link</th></tr>
                \(rows)
                </table>
                """)
        }
        router.get("/dev/mail/:name") { _, context in
            guard let message = sink.message(named: try context.parameters.require("name")) else {
                return Response(status: .notFound, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "no such message\n")))
            }
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(string: message.text)))
        }
    }
}
