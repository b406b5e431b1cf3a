import Foundation
import Hummingbird

/// For development only, when `mail.sink` is set: `GET /dev/mail` lists the messages the sink kept, newest first (time,
/// recipient, subject, and the first link of each; `dev-mail.mustache`), and `GET /dev/mail/<name>` shows one as
/// `text/plain`. Only names of files the sink wrote are served; anything else is a 404.
struct DevMailRoutes {
    let sink: MailSink
    let templates: PageTemplates

    func add(to router: Router<StockadeRequestContext>) {
        router.get("/dev/mail") { _, _ in
            let messages = sink.names().prefix(MailSink.listLimit).compactMap(sink.message(named:)).map(View.Message.init)
            return templates.response(.devMail, title: "Development mail", view: View(folder: sink.folder.path, messages: messages))
        }
        router.get("/dev/mail/:name") { _, context in
            guard let message = sink.message(named: try context.parameters.require("name")) else {
                return Response(status: .notFound, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "no such message\n")))
            }
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(string: message.text)))
        }
    }

    /// What `dev-mail.mustache` shows.
    struct View {
        struct Message {
            let name, date, to, subject: String
            let link: String?

            init(_ message: SinkMessage) {
                name = message.name
                date = message.header("Date")
                to = message.header("To")
                subject = message.header("Subject")
                link = message.firstLink
            }
        }

        let folder: String
        let messages: [Message]
    }
}
