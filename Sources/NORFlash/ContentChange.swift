import VirtualTime

/// One change of the array, so a session can prove nothing outside a requested range changed.
public struct ContentChange: Hashable, Sendable, CustomStringConvertible {
    public enum Operation: Hashable, Sendable {
        /// Bits cleared by a page program (the range addressed, whether or not a bit changed).
        case program
        case erase(bytes: Int)
        case chipErase
    }

    /// Array addresses, upper bound excluded.
    public var range: Range<UInt32>
    public var operation: Operation
    public var opcode: UInt8
    public var time: DeviceTime

    public init(range: Range<UInt32>, operation: Operation, opcode: UInt8, time: DeviceTime) {
        self.range = range
        self.operation = operation
        self.opcode = opcode
        self.time = time
    }

    public var description: String {
        "\(operation) by \(hex2(opcode))h at \(time): \(flashAddress(range.lowerBound))..<\(flashAddress(range.upperBound))"
    }
}

extension Array where Element == Range<UInt32> {
    /// Sorted, with touching and overlapping ranges merged.
    func merged() -> [Range<UInt32>] {
        let sorted = self.sorted { $0.lowerBound < $1.lowerBound }
        var out: [Range<UInt32>] = []
        for r in sorted where !r.isEmpty {
            if let last = out.last, r.lowerBound <= last.upperBound {
                out[out.count - 1] = last.lowerBound..<Swift.max(last.upperBound, r.upperBound)
            } else {
                out.append(r)
            }
        }
        return out
    }
}
