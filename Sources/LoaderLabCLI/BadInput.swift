import Board
import ELF
import FirmwareImage
import Foundation
import LoaderFile
import Programmer

/// Input a command cannot use (exit status 2): one stderr line a person reads and, with
/// `--json`, one JSON object on stdout a CI parser reads:
/// `{"result": "bad-input", "error": …, "file": …, "location": …, "code": …}`.
struct BadInput: Error, Encodable {
    var result = "bad-input"
    var error: String
    var file: String?
    /// Where in the file: `line 12, column 43`, `file offset 0x74`, or a field path.
    var location: String?
    /// The lint code when a loader is refused for one (`no-code`, `device-range-wraps`, …).
    var code: String?

    /// The stderr text when it differs from `file (location): [code] error` (compiler-style `file:line:column:`).
    private var text: String?

    private enum CodingKeys: String, CodingKey { case result, error, file, location, code }

    init(error: String, file: String?, location: String? = nil, code: String? = nil) {
        // Errors from the libraries start with the file name: keep it out of `error`.
        var message = error
        if let file, message.hasPrefix(file + ": ") { message.removeFirst(file.count + 2) }
        self.error = message
        self.file = file
        self.location = location
        self.code = code
    }

    init(image error: FirmwareImageError) {
        self.init(error: error.message, file: error.location.file, location: error.location.place)
        text = error.description
    }

    init(board error: BoardError, file: String) {
        self.init(error: error.description, file: file, location: error.location)
    }

    init(loader error: LoaderFileError, file: String) {
        switch error {
        case .elf(let e): self.init(error: e.detail, file: file, location: "file offset \(hex(e.fileOffset))")
        default: self.init(error: error.description, file: file)
        }
    }

    init(session error: SessionError, loader: String, image: String) {
        switch error {
        case let .plan(e, _): self.init(error: e.description, file: image)
        case let .unrunnable(_, finding):
            self.init(error: finding.message, file: loader, location: finding.fileOffset.map { "file offset \(hex($0))" }, code: finding.code)
        case .chunkBelowPageSize, .buffersDoNotFit: self.init(error: error.description, file: nil, location: "--chunk-size")
        default: self.init(error: error.description, file: nil)
        }
    }

    /// The stderr line, as every command prints bad input.
    var line: String {
        if let text { return "loaderlab: " + text }
        var text = "loaderlab: "
        if let file { text += file + (location.map { " (\($0))" } ?? "") + ": " }
        if let code { text += "[\(code)] " }
        return text + error
    }

    var jsonText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let data = try? encoder.encode(self) else { return "{\"result\": \"bad-input\"}" }
        return String(decoding: data, as: UTF8.self)
    }

    func report(json: Bool) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
        if json { print(jsonText) }
    }
}

extension SourceLocation {
    /// `line 12, column 43` / `file offset 0x74`, without the file name.
    var place: String? {
        if let line { return "line \(line)" + (column.map { ", column \($0)" } ?? "") }
        return fileOffset.map { "file offset 0x" + String($0, radix: 16, uppercase: true) }
    }
}
