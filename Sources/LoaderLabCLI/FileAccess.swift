import Board
import ELF
import Foundation

/// Why a file named on the command line cannot be read or written, in plain words
/// (`is a directory`, `permission denied`, `no such file`), never a Foundation error code.
struct FileAccessError: Error, CustomStringConvertible {
    var path: String
    var reason: String

    var description: String { "\(path): \(reason)" }

    static func reason(errno code: Int32) -> String { FileReading.reason(errno: code) }

    static func kind(_ mode: mode_t) -> String { FileReading.kind(mode) }
}

/// Reads an input file: regular files only (a FIFO would block, `/dev/zero` never ends) and
/// no larger than `limit`, so the error names the file before any memory is spent.
enum InputFile {
    static func read(_ path: String, limit: Int) throws(FileAccessError) -> [UInt8] {
        switch FileReading.bytes(atPath: path, limit: limit) {
        case .success(let bytes): return bytes
        case .failure(let failure): throw FileAccessError(path: path, reason: failure.reason)
        }
    }
}

/// An output file checked before any work is done and written without replacing what the
/// path names: a symbolic link is followed to the regular file it names, and a directory,
/// FIFO, device or socket is refused (writing "atomically" would have replaced the link or
/// device node with a new file). `--trace`, `make-loader --output`, `sample-image --output`
/// and any later `--write-*` option go through here.
struct OutputFile {
    /// The path as given, for messages.
    let path: String
    /// Where the bytes go: the symbolic link's target, or the path itself.
    let resolved: String

    /// Checks that `path` can be written as a regular file; call it before the work starts.
    init(checking path: String) throws(FileAccessError) {
        self.path = path
        var info = stat()
        if lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK {
            // Follow the link (realpath fails when its target does not exist).
            guard let target = realpath(path, nil) else {
                throw FileAccessError(path: path, reason: "is a symbolic link to a file that does not exist (\(FileAccessError.reason(errno: errno)))")
            }
            resolved = String(cString: target)
            free(target)
        } else {
            resolved = path
        }
        if stat(resolved, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFREG else { throw FileAccessError(path: path, reason: FileAccessError.kind(info.st_mode)) }
            guard access(resolved, W_OK) == 0 else { throw FileAccessError(path: path, reason: FileAccessError.reason(errno: errno)) }
        } else if errno == ENOENT {
            let directory = (resolved as NSString).deletingLastPathComponent
            let parent = directory.isEmpty ? "." : directory
            guard stat(parent, &info) == 0 else {
                throw FileAccessError(path: path, reason: "cannot be created: \(parent): \(FileAccessError.reason(errno: errno))")
            }
            guard info.st_mode & S_IFMT == S_IFDIR else { throw FileAccessError(path: path, reason: "cannot be created: \(parent) is not a directory") }
            guard access(parent, W_OK) == 0 else {
                throw FileAccessError(path: path, reason: "cannot be created: \(parent): \(FileAccessError.reason(errno: errno))")
            }
        } else {
            throw FileAccessError(path: path, reason: FileAccessError.reason(errno: errno))
        }
    }

    /// Writes `bytes` in place (truncating a regular file, creating a missing one).
    func store(_ bytes: [UInt8]) throws(FileAccessError) {
        // O_NOFOLLOW: a link swapped in since the check is refused, not followed blindly;
        // O_NONBLOCK: a FIFO swapped in does not hang the open.
        let fd = open(resolved, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileAccessError(path: path, reason: FileAccessError.reason(errno: errno)) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw FileAccessError(path: path, reason: FileAccessError.kind(info.st_mode))
        }
        guard ftruncate(fd, 0) == 0 else { throw FileAccessError(path: path, reason: FileAccessError.reason(errno: errno)) }
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, bytes.count - done) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw FileAccessError(path: path, reason: FileAccessError.reason(errno: errno)) }
            done += n
        }
    }

    func store(_ text: String) throws(FileAccessError) { try store(Array(text.utf8)) }
}

/// `--board`: a built-in board's name, or a board file read through `InputFile` (regular
/// files only, bounded), so both commands that take a board say the same things about it.
enum BoardArgument {
    static func load(_ nameOrPath: String) throws -> Board {
        if let builtIn = BuiltInBoards.named(nameOrPath) {
            try builtIn.validate(file: "built-in board \(builtIn.name)")
            return builtIn
        }
        do {
            return try Board.decode(Data(InputFile.read(nameOrPath, limit: 1 << 20)), file: nameOrPath)
        } catch let error as FileAccessError where !nameOrPath.hasSuffix(".json") {
            throw FileAccessError(path: error.path, reason: error.reason + ", and no built-in board of that name (built-in: "
                                  + BuiltInBoards.all.map(\.name).joined(separator: ", ") + ")")
        }
    }
}
