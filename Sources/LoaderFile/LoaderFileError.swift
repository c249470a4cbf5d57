import ELF

/// Why a file could not be read as a loader at all (as opposed to a loader with findings).
public enum LoaderFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be opened or read.
    case unreadable(path: String)
    /// The file is not a well-formed ELF32 little-endian file.
    case elf(ELFError)

    public var description: String {
        switch self {
        case .unreadable(let path): "\(path): cannot read the file"
        case .elf(let error): error.description
        }
    }
}
