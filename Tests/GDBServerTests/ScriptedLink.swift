import GDBServer

/// A link that plays back what a debugger sends and keeps what the server answers.
final class ScriptedLink: RSPLink {
    var incoming: [LinkEvent]
    var sent: [UInt8] = []
    var closed = false

    init(_ incoming: [LinkEvent]) { self.incoming = incoming }

    /// Packets as a debugger frames them, each preceded by an ack for the last reply.
    convenience init(packets: [String], thenClose: Bool = true) {
        var events = packets.map { LinkEvent.bytes(RSPFrame.encode($0)) }
        if thenClose { events.append(.closed("script ended")) }
        self.init(events)
    }

    func receive(timeout: Double?) -> LinkEvent? {
        guard !incoming.isEmpty else { return timeout == nil ? .closed("script ended") : nil }
        return incoming.removeFirst()
    }

    func send(_ bytes: [UInt8]) { sent += bytes }
    func close() { closed = true }

    /// The payloads of every packet the server sent, in order (acks left out).
    var replies: [String] {
        var decoder = RSPFrameDecoder()
        return decoder.feed(sent).compactMap { input in
            if case .packet(let p) = input { return String(decoding: p, as: UTF8.self) }
            return nil
        }
    }

    var acks: String { String(decoding: sent.filter { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") }, as: UTF8.self) }
}

/// A target made of plain values: 40 registers, 64 KiB of RAM at 0x2000_0000.
final class FakeTarget: DebugTarget {
    var values: [[UInt8]] = TargetDescription.cortexM33.map { [UInt8](repeating: 0, count: $0.bitSize / 8) }
    var ram = [UInt8](repeating: 0, count: 0x1_0000)
    var points: Set<StopPoint> = []
    var monitorCommands: [String] = []
    let registers = TargetDescription.cortexM33

    func readRegister(_ number: Int) -> [UInt8]? { number < values.count ? values[number] : nil }
    func writeRegister(_ number: Int, bytes: [UInt8]) -> Bool {
        guard number < values.count, bytes.count == values[number].count else { return false }
        values[number] = bytes
        return true
    }

    func readMemory(address: UInt32, count: Int) -> Result<[UInt8], DebugAccessError> {
        guard address >= 0x2000_0000, Int(address - 0x2000_0000) + count <= ram.count else { return .failure(.unmapped(address: address)) }
        let o = Int(address - 0x2000_0000)
        return .success(Array(ram[o..<o + count]))
    }

    func writeMemory(address: UInt32, bytes: [UInt8]) -> Result<Void, DebugAccessError> {
        guard address >= 0x2000_0000, Int(address - 0x2000_0000) + bytes.count <= ram.count else { return .failure(.unmapped(address: address)) }
        let o = Int(address - 0x2000_0000)
        ram.replaceSubrange(o..<o + bytes.count, with: bytes)
        return .success(())
    }

    var memoryMap: [MemoryMapRegion] {
        [MemoryMapRegion(kind: .ram, start: 0x2000_0000, length: 0x1_0000, name: "SRAM"),
         MemoryMapRegion(kind: .flash, start: 0x0800_0000, length: 0x40_0000, blockSize: 0x2000, name: "FLASH (internal)"),
         MemoryMapRegion(kind: .ram, start: 0x420D_1400, length: 0x400, name: "OCTOSPI1")]
    }

    func insert(_ point: StopPoint) -> Bool { points.insert(point).inserted }
    func remove(_ point: StopPoint) -> Bool { points.remove(point) != nil }
    func monitor(_ command: String) -> String {
        monitorCommands.append(command)
        return "you said \(command)\nsecond line\n"
    }
}
