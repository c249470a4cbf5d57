import NORFlash
import VirtualTime

extension FlashLeftovers {
    /// Puts `flash` in the modes an earlier run left it in, with the part's own commands
    /// (its Enter QPI opcode: 35h on ISSI, Macronix and Micron parts, 38h on Winbond and
    /// Spansion ones), then forgets the events: they belong to no loader call.
    func apply(to flash: NORFlash) {
        let part = flash.part
        var t = DeviceTime.zero
        func send(_ opcode: UInt8, _ direction: SPITransaction.Direction = .none) {
            _ = flash.exchange(SPITransaction(instruction: UInt32(opcode), direction: direction), at: t)
        }
        if contains(.fourByteAddressing), part.commands.contains(where: { $0.operation == .enter4ByteAddressing }) {
            if part.quirks.fourByteModeCommandsNeedWriteEnable { send(0x06) }
            send(0xB7)
            // WEL must not outlive the setup: a loader's missing 06h would go unnoticed.
            if flash.registers.writeEnableLatch { send(0x04) }
            t += .microseconds(1)
        }
        if contains(.qpi), let enter = part.commands.first(where: { $0.operation == .enterQPI }) {
            // A run that entered QPI on a part whose entry needs QE (Winbond 38h) had set the
            // non-volatile QE bit first: the leftover state carries it too.
            if part.quirks.qpiNeedsQuadEnable, case .bit(let register, let mask) = part.traits.quadEnable {
                let write = part.commands.first { $0.operation == .writeStatusRegister(index: register) }
                let value = flash.registers[status: register] | mask
                let bytes = write != nil ? [value] : (0...register).map { $0 == register ? value : flash.registers[status: $0] }
                send(0x06)
                send(write?.opcode ?? 0x01, .write(bytes))
                t = flash.nextSelfTimedChange ?? t
                flash.settle(at: t)
            }
            send(enter.opcode)
        }
        flash.events.removeAll()
    }
}
