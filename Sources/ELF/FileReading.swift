import Foundation

/// Reading an input file whole: regular files only (a FIFO would block, `/dev/zero` never
/// ends) and no larger than a limit, so a failure names its reason before any memory is
/// spent; the reason is what a person can act on (`no such file or directory`, `is a
/// directory`, `permission denied`), never a Foundation error domain and code. The CLI's
/// input and output checks share the wording.
public enum FileReading {
    /// Loaders and base loaders: far above any MCU's RAM.
    public static let loaderLimit = 64 << 20
    /// Firmware images: four times the largest flash.
    public static let imageLimit = 256 << 20

    public static func bytes(atPath path: String, limit: Int) -> Result<[UInt8], FileReadingFailure> {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return .failure(FileReadingFailure(reason: reason(errno: errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .failure(FileReadingFailure(reason: reason(errno: errno))) }
        guard info.st_mode & S_IFMT == S_IFREG else { return .failure(FileReadingFailure(reason: kind(info.st_mode))) }
        let size = Int(info.st_size)
        guard size <= limit else {
            return .failure(FileReadingFailure(reason: "is \(size) bytes, more than the \(limit) it can hold"))
        }
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, size - done, off_t(done)) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else {
                return .failure(FileReadingFailure(reason: n < 0 ? reason(errno: errno) : "the file shrank while it was read"))
            }
            done += n
        }
        return .success(bytes)
    }

    /// errno as the reason a person reads: lowercase, no error domain.
    public static func reason(errno code: Int32) -> String {
        switch code {
        case ENOENT: "no such file or directory"
        case EACCES, EPERM: "permission denied"
        case EISDIR: "is a directory"
        case ENOTDIR: "a component of the path is not a directory"
        case ENOSPC: "no space left on the device"
        case EROFS: "the file system is read-only"
        case ELOOP: "too many symbolic links"
        case ENAMETOOLONG: "the name is too long"
        default: String(cString: strerror(code)).lowercased()
        }
    }

    /// What a path that is not a regular file is.
    public static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: "is a directory"
        case S_IFIFO: "is a FIFO (named pipe)"
        case S_IFCHR: "is a character device"
        case S_IFBLK: "is a block device"
        case S_IFSOCK: "is a socket"
        default: "is not a regular file"
        }
    }
}

public struct FileReadingFailure: Error, Equatable, Sendable {
    public var reason: String
}
