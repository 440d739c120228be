import { parseFourLetterWord } from '../protocol/four-letter-words.js';
import type { StandaloneServer } from './standalone-server.js';

/** Bridges the server's live state to the four-letter-word formatter. */
export class FourLetterWords {
  constructor(private readonly server: StandaloneServer) {}

  parse(head: Buffer): string | null {
    return parseFourLetterWord(head);
  }

  answer(word: string, arg?: Buffer): string {
    void arg;
    void this.server;
    return word === 'ruok' ? 'imok' : '';
  }
}
