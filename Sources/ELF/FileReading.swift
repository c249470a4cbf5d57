import Foundation

/// Reading an input file whole, with the reason a person can act on when it fails
/// (`no such file or directory`, `permission denied`, `is a directory`), not Foundation's
/// error domain and code.
public enum FileReading {
    public static func bytes(atPath path: String) -> Result<[UInt8], FileReadingFailure> {
        var info = stat()
        if stat(path, &info) != 0 { return .failure(FileReadingFailure(reason: reason(errno))) }
        if info.st_mode & S_IFMT == S_IFDIR { return .failure(FileReadingFailure(reason: "is a directory")) }
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(FileReadingFailure(reason: access(path, R_OK) != 0 ? reason(errno) : "cannot be read"))
        }
        return .success([UInt8](data))
    }

    static func reason(_ code: Int32) -> String { String(cString: strerror(code)).lowercased() }
}

public struct FileReadingFailure: Error, Equatable, Sendable {
    public var reason: String
}
