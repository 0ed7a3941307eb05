// "Read one channel's chat anonymously": the overlay use case the chat bundle budget is about.
import { ChatClient } from '../../src/chat/index.js';

const chat = new ChatClient();
chat.on('message', (message) => console.log(message.displayName, message.text, message.emotes));
await chat.connect();
await chat.join('some_channel');
