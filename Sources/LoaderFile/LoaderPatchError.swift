import Board

/// Why `LoaderPatcher` produced no loader. Every message names the file it is about.
public enum LoaderPatchError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The base loader is not an ELF file at all.
    case baseUnreadable(LoaderFileError)
    /// The base file has no usable `BoardConfig` symbol, or its bytes are not a valid v1 or v2 block.
    case notALoaderLabLoader(file: String, reason: String)
    /// The base file's `StorageInfo` cannot be patched.
    case storageInfoUnusable(file: String, reason: String)
    /// The board does not validate (already described in its own words).
    case board(BoardError)
    /// The board describes something the loader's `Init` would refuse.
    case unsupportedBoard(file: String, reason: String)
    /// The output name cannot become `StorageInfo.DeviceName`.
    case badOutputName(name: String, reason: String)
    /// The patched loader has lint errors: nothing is written.
    case lintErrors(file: String, findings: [Finding])

    public var description: String {
        switch self {
        case let .baseUnreadable(error):
            error.description
        case let .notALoaderLabLoader(file, reason):
            "\(file) is not a LoaderLab loader: no BoardConfig block (\(reason))"
        case let .storageInfoUnusable(file, reason):
            "\(file): StorageInfo cannot be patched: \(reason)"
        case let .board(error):
            error.description
        case let .unsupportedBoard(file, reason):
            "\(file): \(reason)"
        case let .badOutputName(name, reason):
            "\(name): not usable as a loader name: \(reason)"
        case let .lintErrors(file, findings):
            (["\(file): the patched loader fails its checks; nothing written:"]
                + findings.map { "  " + $0.rendered(file: file) }).joined(separator: "\n")
        }
    }
}
