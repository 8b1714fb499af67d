// Tests run the core in Node, as the CLI does: codecs come from node_modules (the CLI's loader).
import { useNodeCodecs } from '../../src/cli/codec-loader.ts';

useNodeCodecs();
