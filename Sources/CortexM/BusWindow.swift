import CBusWindow
import CUnicorn
import VirtualTime

/// What a model lets the core do at its registers with no call into the model, until the
/// next access the window does not cover (`CBusWindow`). Offsets are the model's own.
public struct BusWindow {
    public enum Data {
        case none
        /// Writes of the data register append their bytes (low byte first) at `buffer`,
        /// at most `limit` bytes: the access that would complete a transfer is the model's.
        case write(UnsafeMutablePointer<UInt8>, limit: Int)
        /// Reads of the data register consume the bytes at `buffer`, at most `limit`.
        case read(UnsafeMutablePointer<UInt8>, limit: Int)
    }

    /// A word register whose reads return `statusValue` while the window is open.
    public var statusOffset: UInt32?
    public var statusValue: UInt32
    public var dataOffset: UInt32
    public var data: Data

    public init(statusOffset: UInt32?, statusValue: UInt32, dataOffset: UInt32, data: Data) {
        self.statusOffset = statusOffset
        self.statusValue = statusValue
        self.dataOffset = dataOffset
        self.data = data
    }
}

/// A model with registers the core hammers (a FIFO's data register and the status it polls
/// between accesses): it may answer them from a `BusWindow`.
///
/// The model promises that while the window is open, with no access of its own in between,
/// the status register reads `statusValue`, each data-register access moves bytes and does
/// nothing else (no event, no change of time or state but the bytes), and every other
/// register still goes to `read`/`write`, which the machine calls only after the window
/// closed and the model took back what it moved.
public protocol WindowedPeripheral: Peripheral {
    func openBusWindow() -> BusWindow?
    /// The window closed after `bytesMoved` bytes went through its data register.
    func busWindowClosed(bytesMoved: Int)
}

extension Machine {
    /// Lets C answer `mapping`'s window, after a Swift-path access to it. Only where the
    /// Swift path would do nothing the window cannot: no debugger, no Device-region hooks,
    /// the wait-loop fold idle.
    func openBusWindow(_ mapping: MMIOMapping) {
        guard opensBusWindows, run.stop == nil, !memoryHooksWatchEveryAccess,
              !foldsWaitLoops || fold.phase == .idle,
              let model = mapping.windowed, let span = mapping.spanContext, let window = model.openBusWindow() else { return }
        var w = loaderlab_bus_window()
        w.span = UnsafeRawPointer(span)
        w.low = mapping.base &- mapping.spanBase
        w.high = w.low &+ mapping.size
        w.spanBase = mapping.spanBase
        w.isDevice = mapping.isDevice
        // A poll run the window adds to must exist already (the first read of a register
        // creates it, and may evict another: the Swift path does that).
        if let status = window.statusOffset, pollWatch.hasRun(at: mapping.base &+ status) {
            w.serveStatus = true
            w.statusOffset = w.low &+ status
            w.statusValue = window.statusValue
        }
        w.dataOffset = w.low &+ window.dataOffset
        switch window.data {
        case .none:
            w.direction = UInt8(loaderlab_window_none)
        case .write(let buffer, let limit):
            w.direction = UInt8(loaderlab_window_write)
            w.data = buffer
            w.limit = UInt32(clamping: limit)
        case .read(let buffer, let limit):
            w.direction = UInt8(loaderlab_window_read)
            w.data = buffer
            w.limit = UInt32(clamping: limit)
            w.serveDataReads = pollWatch.hasRun(at: mapping.base &+ window.dataOffset)
        }
        guard w.serveStatus || (w.direction == UInt8(loaderlab_window_write) && w.limit > 0)
                || (w.serveDataReads && w.limit > 0) else { return }
        if foldsWaitLoops {
            w.foldWatches = true
            w.cooldown = UInt64(max(0, fold.cooldown))
            w.stuckReads = WaitLoopFold.stuckReads
            switch model.quietUntil {
            case nil: break
            case .some(.never): w.quietNever = true
            case .some(let quiet):
                // The clock only moves on while the window is open: a horizon that is too
                // close for a search now stays so.
                w.quietFinite = quiet > clock.now + WaitLoopFold.minimumQuiet
            }
        }
        let streak = pollWatch.streakState
        w.streak = streak.count
        w.streakAddress = streak.address
        w.streakValue = streak.value
        w.armed = true
        bus.pointee.window = w
        windowMapping = mapping
    }

    /// Gives back what the window's accesses did: to the model its bytes, to the machine the
    /// bus accesses, poll runs, the fold's cooldown and the PC of the last access.
    func closeBusWindow() {
        guard bus.pointee.window.armed, let mapping = windowMapping else { return }
        bus.pointee.window.armed = false
        windowMapping = nil
        let w = bus.pointee.window
        mapping.windowed?.busWindowClosed(bytesMoved: Int(w.position))
        guard w.accesses > 0 else { return }
        run.busAccesses &+= w.accesses
        run.windowAccesses &+= w.accesses
        clock.currentPC = w.lastPC
        if w.foldWatches { fold.cooldown = Int(w.cooldown) }
        pollWatch.streakState = (w.streak, w.streakAddress, w.streakValue)
        if w.serveStatus { pollWatch.add(w.statusReads, at: w.spanBase &+ w.statusOffset) }
        if w.serveDataReads { pollWatch.add(w.dataReads, at: w.spanBase &+ w.dataOffset) }
    }

    /// The recipe mirrored for `pc`, if its slot holds it: the Swift path's cache too (a
    /// byte-per-DR copy asks for its status read and its data write in turn, and hashing each
    /// was ~1 % of a third-party loader's session). `.some(nil)`: not an access the decoder covers.
    func mirroredRecipe(pc: UInt32) -> LoadStoreDecoder.Recipe?? {
        let r = loaderlab_recipe_slot(bus, pc)!.pointee
        guard r.valid, r.pc == pc else { return nil }
        guard r.decoded else { return .some(nil) }
        let offset: LoadStoreDecoder.Recipe.Offset = r.index == 0xFF
            ? .immediate(r.immediate) : .register(Int(r.index), shift: UInt32(r.shift))
        return .some(LoadStoreDecoder.Recipe(base: Int(r.base), offset: offset, bytes: UInt32(r.bytes), isWrite: r.isWrite))
    }

    /// Mirrors a decoded instruction into the recipes the window checks alignment with.
    func mirrorRecipe(_ recipe: LoadStoreDecoder.Recipe?, pc: UInt32) {
        let slot = loaderlab_recipe_slot(bus, pc)!
        var r = loaderlab_access_recipe()
        r.pc = pc
        r.valid = true
        if let recipe {
            r.decoded = true
            r.isWrite = recipe.isWrite
            r.bytes = UInt8(truncatingIfNeeded: recipe.bytes)
            r.base = UInt8(truncatingIfNeeded: recipe.base)
            switch recipe.offset {
            case .immediate(let value):
                r.index = 0xFF
                r.immediate = value
            case .register(let rm, let shift):
                r.index = UInt8(truncatingIfNeeded: rm)
                r.shift = UInt8(truncatingIfNeeded: shift)
            }
        }
        slot.pointee = r
    }

    func forgetMirroredRecipes() {
        bus.pointee.recipes = loaderlab_bus().recipes
    }
}
