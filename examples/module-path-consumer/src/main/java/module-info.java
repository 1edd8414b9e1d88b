/**
 * A user's application on the module path: it reads the library and the emulator through their module names, and
 * nothing else; no {@code --add-modules}, {@code --add-opens} or {@code --add-reads} is needed to run it.
 */
module dev.dbbrain.examples.modulepath {
    requires dev.dbbrain.reactive;
    requires dev.dbbrain.reactive.emulator;
}
