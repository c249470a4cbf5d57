import Testing
import VirtualTime
@testable import NORFlash

/// Transactions as an OCTOSPI in indirect mode would put them on the wires.
enum Tx {
    static func command(_ opcode: UInt8, lines: Int = 1) -> SPITransaction {
        SPITransaction(instruction: UInt32(opcode), instructionFormat: SPIPhaseFormat(lines: lines))
    }

    static func readRegister(_ opcode: UInt8, count: Int = 1, lines: Int = 1) -> SPITransaction {
        SPITransaction(instruction: UInt32(opcode), instructionFormat: SPIPhaseFormat(lines: lines),
                       direction: .read(count: count), dataFormat: SPIPhaseFormat(lines: lines))
    }

    static func writeRegister(_ opcode: UInt8, _ bytes: [UInt8], lines: Int = 1) -> SPITransaction {
        SPITransaction(instruction: UInt32(opcode), instructionFormat: SPIPhaseFormat(lines: lines),
                       direction: .write(bytes), dataFormat: SPIPhaseFormat(lines: lines))
    }

    static func addressed(_ opcode: UInt8, _ address: UInt32, addressSize: Int = 3) -> SPITransaction {
        SPITransaction(instruction: UInt32(opcode), address: address, addressSize: addressSize)
    }

    static func program(_ opcode: UInt8, _ address: UInt32, _ data: [UInt8], addressSize: Int = 3, dataLines: Int = 1) -> SPITransaction {
        SPITransaction(instruction: UInt32(opcode), address: address, addressSize: addressSize,
                       direction: .write(data), dataFormat: SPIPhaseFormat(lines: dataLines))
    }

    static func read(
        _ opcode: UInt8, _ address: UInt32, count: Int, addressSize: Int = 3, instructionLines: Int = 1,
        addressLines: Int = 1, dataLines: Int = 1, dummy: Int = 0, alternate: UInt8? = nil
    ) -> SPITransaction {
        SPITransaction(
            instruction: UInt32(opcode), instructionFormat: SPIPhaseFormat(lines: instructionLines),
            address: address, addressSize: addressSize, addressFormat: SPIPhaseFormat(lines: addressLines),
            alternateBytes: alternate.map(UInt32.init), alternateSize: 1, alternateFormat: SPIPhaseFormat(lines: addressLines),
            dummyCycles: dummy, direction: .read(count: count), dataFormat: SPIPhaseFormat(lines: dataLines))
    }
}

/// A small driver over `exchange` with its own notion of time, as a test bench.
final class Bench {
    let flash: NORFlash
    var now: DeviceTime = .zero

    init(_ flash: NORFlash = NORFlash()) { self.flash = flash }

    @discardableResult
    func send(_ t: SPITransaction) -> [UInt8] {
        now += .microseconds(1)
        return flash.exchange(t, at: now)
    }

    /// Moves time past the current busy end, as a WIP poll would.
    func waitUntilReady() {
        if let end = flash.nextSelfTimedChange { now = end }
        flash.settle(at: now)
    }

    func writeEnable(lines: Int = 1) { send(Tx.command(0x06, lines: lines)) }

    func status() -> UInt8 { send(Tx.readRegister(0x05)).first ?? 0 }

    func setQuadEnable() {
        writeEnable()
        send(Tx.writeRegister(0x01, [0x40]))
        waitUntilReady()
    }

    func program(_ opcode: UInt8 = 0x02, _ address: UInt32, _ data: [UInt8], addressSize: Int = 3) {
        writeEnable()
        send(Tx.program(opcode, address, data, addressSize: addressSize))
        waitUntilReady()
    }

    func read(_ address: UInt32, _ count: Int) -> [UInt8] {
        send(Tx.read(0x13, address, count: count, addressSize: 4))
    }

    var events: [FlashEvent] { flash.events.map(\.event) }

    func has(_ predicate: (FlashEvent) -> Bool) -> Bool { events.contains(where: predicate) }
}

func pattern(_ count: Int, seed: UInt8 = 0) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ Int(seed) &+ 1) }
}
