import ELF
import Foundation

/// The bytes a programmer must write, as address-sorted, merged segments, read from one or
/// more S-record, Intel HEX, raw binary or ELF files.
public struct FirmwareImage: Equatable, Sendable {
    /// Sorted by address; never overlapping, never adjacent (adjacent runs are joined).
    public var segments: [Segment]
    /// Start (entry) address from S7/S8/S9, Intel HEX 03/05 or ELF `e_entry`, if any.
    public var startAddress: UInt32?

    /// One file to read.
    public struct Input: Sendable {
        public var name: String
        public var bytes: [UInt8]
        /// nil: detect from content and extension.
        public var format: ImageFormat?
        /// Where a raw binary starts; required for `.binary`, ignored otherwise.
        public var baseAddress: UInt32?

        public init(name: String, bytes: [UInt8], format: ImageFormat? = nil, baseAddress: UInt32? = nil) {
            self.name = name
            self.bytes = bytes
            self.format = format
            self.baseAddress = baseAddress
        }
    }

    /// Segments as given, e.g. for writing a generated image. Callers keep them sorted and disjoint.
    public init(segments: [Segment], startAddress: UInt32? = nil) {
        self.segments = segments
        self.startAddress = startAddress
    }

    /// Merges records from any source, rejecting overlaps with different data.
    public init(records: [DataRecord], startAddress: UInt32? = nil) throws(FirmwareImageError) {
        self.segments = try SegmentAssembler.assemble(records)
        self.startAddress = startAddress
    }

    /// Reads one file's bytes.
    public init(bytes: [UInt8], name: String, format: ImageFormat? = nil, baseAddress: UInt32? = nil) throws(FirmwareImageError) {
        try self.init(inputs: [Input(name: name, bytes: bytes, format: format, baseAddress: baseAddress)])
    }

    /// Reads several files into one image; data two files put at one address must agree.
    public init(inputs: [Input]) throws(FirmwareImageError) {
        var records: [DataRecord] = []
        var start: UInt32?
        for input in inputs {
            let parsed = try Self.records(of: input)
            records += parsed.records
            start = start ?? parsed.start
        }
        try self.init(records: records, startAddress: start)
    }

    /// Reads a file from disk; `name` in messages is the path as given.
    public init(path: String, format: ImageFormat? = nil, baseAddress: UInt32? = nil) throws(FirmwareImageError) {
        let bytes: [UInt8]
        switch FileReading.bytes(atPath: path, limit: FileReading.imageLimit) {
        case .success(let b): bytes = b
        case .failure(let failure): throw FirmwareImageError(SourceLocation(file: path), "cannot read the file: \(failure.reason)")
        }
        try self.init(bytes: bytes, name: path, format: format, baseAddress: baseAddress)
    }

    /// The data records of one file, before merging.
    public static func records(of input: Input) throws(FirmwareImageError) -> (records: [DataRecord], start: UInt32?) {
        guard let format = input.format ?? ImageFormat.detect(bytes: input.bytes, name: input.name) else {
            throw FirmwareImageError(
                SourceLocation(file: input.name, fileOffset: 0),
                "cannot tell the file format from its content or extension; expected Intel HEX (.hex), S-record (.srec/.s19/.s28/.s37), ELF, or raw binary (.bin with a base address)"
            )
        }
        switch format {
        case .intelHex: return try IntelHexReader.read(input.bytes, file: input.name)
        case .srec: return try SRecordReader.read(input.bytes, file: input.name)
        case .elf: return try ELFImageReader.read(input.bytes, file: input.name)
        case .binary:
            guard let base = input.baseAddress else {
                throw FirmwareImageError(SourceLocation(file: input.name), "a raw binary file needs a base address")
            }
            let record = DataRecord(address: UInt64(base), bytes: input.bytes, location: SourceLocation(file: input.name, fileOffset: 0))
            return ([record], nil)
        }
    }

    /// Total number of data bytes.
    public var byteCount: Int { segments.reduce(0) { $0 + $1.bytes.count } }

    /// The byte at `address`, or nil where the image holds no data.
    public func byte(at address: UInt32) -> UInt8? {
        var low = 0
        var high = segments.count
        while low < high {
            let mid = (low + high) / 2
            if segments[mid].endAddress <= UInt64(address) { low = mid + 1 } else { high = mid }
        }
        guard low < segments.count, segments[low].address <= address else { return nil }
        return segments[low].bytes[Int(address - segments[low].address)]
    }
}
