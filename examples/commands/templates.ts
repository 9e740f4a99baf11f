/**
 * The intents of the text-command example and the sentence templates that express them.
 * A template is a small pattern: `[a|b|]` picks one alternative (an empty one makes the part
 * optional), `{dur}` is a duration phrase and `{time}` a clock time (phrases.ts). Each intent
 * has `seen` templates (train, validation and test draw from these) and `heldout` templates,
 * worded differently and never used for training, which measure how far the model
 * generalizes to phrasings it has not seen.
 */
import { pick, type Rng } from './phrases';

export const INTENTS = [
  'timer', 'alarm', 'stopwatch_start', 'stopwatch_stop', 'find_phone', 'music_play', 'music_pause',
  'music_next', 'music_prev', 'volume_up', 'volume_down', 'time', 'battery', 'unknown',
] as const;
export type Intent = (typeof INTENTS)[number];

export interface IntentTemplates { seen: string[]; heldout: string[] }

export const TEMPLATES: Record<Intent, IntentTemplates> = {
  timer: {
    seen: [
      'set a timer for {dur}', '[set|start] [a|the|] {dur} timer', 'timer [for|] {dur}', '{dur} timer',
      'countdown [for|] {dur}', 'count down [from|] {dur}', 'remind me in {dur}', 'start [a|] timer [for|] {dur}',
      '[set|put] [a|the] timer [on|to] {dur}', 'time {dur} for me',
    ],
    heldout: ['let me know when {dur} [have|has] passed', 'tell me when {dur} [are|is] up', 'ping me after {dur}'],
  },
  alarm: {
    seen: [
      'set an alarm [for|at] {time}', 'alarm [at|for|] {time}', 'wake me [up|] at {time}', '{time} alarm',
      '[set|create|add] [an|a|] alarm [at|for] {time} [tomorrow|]', 'wake up at {time}', 'alarm {time} [please|]',
      '[i need|i want] an alarm at {time}',
    ],
    heldout: ['get me up at {time}', 'make sure i am awake by {time}', 'ring at {time} [tomorrow|]'],
  },
  stopwatch_start: {
    seen: [
      'start [the|a|my|] stopwatch', 'stopwatch [start|go|on]', 'start timing', 'begin [the|] stopwatch',
      '[begin|start] timing [this|me|now|]', 'start [the|] chrono', 'run the stopwatch', 'go stopwatch',
    ],
    heldout: ['time me from now', 'clock starts now', 'kick off the stopwatch'],
  },
  stopwatch_stop: {
    seen: [
      'stop [the|my|] stopwatch', 'stopwatch [stop|off|done]', 'stop timing', 'end [the|] stopwatch',
      '[pause|halt] [the|] stopwatch', 'stop the chrono', 'finish timing', 'stop the clock',
    ],
    heldout: ['how long was that', 'that is enough timing', 'freeze the stopwatch'],
  },
  find_phone: {
    seen: [
      'find my phone', 'where is my phone', 'where\'s my phone', 'ring my phone', '[locate|find] [the|my] phone',
      'make my phone ring', 'i lost my phone', '[can\'t|cannot] find my phone', 'phone [where are you|ring|find]',
    ],
    heldout: ['help me look for my mobile', 'beep the phone', 'where did i leave my phone'],
  },
  music_play: {
    seen: [
      'play [some|the|] music', 'resume [the|] music', 'play', 'start [the|] music', 'start playing',
      'resume [playback|playing]', 'music [on|play|start]', 'play [my|a] [song|playlist|track]', 'unpause [the music|]',
    ],
    heldout: ['put some tunes on', 'i want to hear music', 'continue the song'],
  },
  music_pause: {
    seen: [
      'pause [the|] music', 'pause', 'stop [the|] music', 'stop playing', 'music [off|pause|stop]',
      'pause [the|this] [song|track|playback]', 'mute the music', 'stop the song',
    ],
    heldout: ['hold the music', 'silence the tunes', 'quiet please no more songs'],
  },
  music_next: {
    seen: [
      'next [song|track|one]', 'skip [this|the|] [song|track|]', 'play the next [song|track]', 'skip',
      'next', 'skip ahead', 'forward [one|a] [song|track]', 'change [the|] song', 'music next',
    ],
    heldout: ['i do not like this one', 'move on to another tune', 'jump to the following track'],
  },
  music_prev: {
    seen: [
      'previous [song|track]', '[go|skip] back [a|one] [song|track]', 'play the [last|previous] [song|track] [again|]',
      'prev [song|track|]', 'back', 'last [song|track]', 'replay [the] [previous|last] [song|track]', 'music back',
    ],
    heldout: ['the one before this', 'rewind to the earlier tune', 'return to the prior track'],
  },
  volume_up: {
    seen: [
      'volume up', '[turn|crank] [it|the volume|the music] up', 'louder [please|]', 'increase [the|] volume',
      'raise [the|] volume', 'make it louder', 'more volume', 'turn up the [volume|music|sound]',
    ],
    heldout: ['i can barely hear it', 'boost the sound', 'pump up the sound'],
  },
  volume_down: {
    seen: [
      'volume down', 'turn [it|the volume|the music] down', 'quieter [please|]', '[decrease|lower|reduce] [the|] volume',
      'make it quieter', 'less volume', 'turn down the [volume|music|sound]', 'too loud',
    ],
    heldout: ['that is way too noisy', 'soften the sound', 'bring the sound level lower'],
  },
  time: {
    seen: [
      'what time is it', 'what\'s the time', 'tell me the time', '[current|the] time', 'time [please|now|]',
      'what is the time [now|]', 'show [me|] the time', 'do you have the time', 'clock',
    ],
    heldout: ['how late is it', 'is it late already', 'what hour is it'],
  },
  battery: {
    seen: [
      'battery [level|status|]', 'how much battery [is left|do i have|]', 'what\'s my battery [level|]',
      'is [the|my] battery low', 'battery [percentage|percent|charge]', 'show [the|] battery', 'check [the|my] battery',
      'how charged is the watch',
    ],
    heldout: ['do i need to charge', 'how long until i must recharge', 'power left on the watch'],
  },
  // Text that is not a command: other requests, chat and notifications a phone forwards.
  unknown: {
    seen: [
      '{chat}', '{chat}', '{chat}', '{notify}', '{notify}', '{other}', '{other}', '{words}', '{words}', '{junk}',
    ],
    heldout: ['{heldchat}', '{heldnotify}'],
  },
};

const CHAT = [
  'hey are you coming tonight', 'ok', 'lol', 'see you [soon|later|tomorrow]', 'thanks', 'how are you', 'call me [back|later|]',
  'running late', 'on my way', 'sounds good', 'love you', 'happy birthday', 'good morning', 'good night', 'where are you',
  'can we talk [later|tomorrow|]', 'dinner at {time}?', 'meet me at {time}', 'the meeting moved to {time}',
  'i will be there in {dur}', 'did you see that', 'what are you doing', 'yes', 'no', 'maybe', 'haha nice',
  'let\'s go', 'bring milk please', 'did you feed the cat', 'the kids are asleep',
];
const NOTIFY = [
  'your package [has been|was] delivered', 'new email from [anna|bob|work|the bank]', 'missed call from [mom|dad|unknown]',
  'payment received', 'your order has shipped', 'update available', 'reminder: dentist at {time}',
  'rain expected [in|within] {dur}', 'you have 3 new messages', 'flight [ba123|lh400] [is delayed|boards at {time}]',
  'low balance [warning|alert]', 'weekly report ready', 'your ride is arriving in {dur}', 'storage almost full',
  'security code 482913', 'sale ends tonight', 'steps goal reached', 'calendar: lunch with sam',
];
const OTHER = [
  'turn on the lights', 'what\'s the weather [like|today|]', 'call [mom|bob|home]', 'send a message to [anna|dad]',
  'open the door', 'how tall is everest', 'tell me a joke', 'navigate home', 'what\'s the date', 'take a photo',
  'order a pizza', 'set the temperature to 21', 'lock the car', 'how many steps today', 'heart rate',
  'translate hello', 'read my messages', 'add milk to the list', 'flip a coin', 'who won the game',
];
const HELD_CHAT = [
  'are we still on for friday', 'the train is late again', 'please pick up bread', 'great job today',
  'can you send me the photos', 'my flight lands at {time}',
];
const HELD_NOTIFY = [
  'your parcel is out for delivery', 'invoice 2231 is due', 'voicemail from clinic', 'backup completed',
  'new follower on your profile', 'event starts in {dur}',
];
const WORDS = [
  'the', 'a', 'red', 'house', 'dog', 'car', 'green', 'tree', 'blue', 'sky', 'water', 'bread', 'window', 'garden',
  'paper', 'chair', 'quick', 'slow', 'happy', 'work', 'road', 'city', 'coffee', 'apple', 'river', 'book', 'light',
  'door', 'friend', 'game', 'shop', 'street', 'mountain', 'dinner', 'cloud', 'ticket', 'office', 'pencil', 'sun',
];

/** Expands `[a|b|]` alternatives (non-nested) with rng. */
export function expandChoices(rng: Rng, template: string): string {
  return template.replace(/\[([^\]]*)\]/g, (_, alts: string) => pick(rng, alts.split('|')));
}

/** A random word salad or character junk, for `unknown`. */
export function drawFiller(rng: Rng, kind: string): string {
  if (kind === 'chat') return pick(rng, CHAT);
  if (kind === 'notify') return pick(rng, NOTIFY);
  if (kind === 'other') return pick(rng, OTHER);
  if (kind === 'heldchat') return pick(rng, HELD_CHAT);
  if (kind === 'heldnotify') return pick(rng, HELD_NOTIFY);
  if (kind === 'words') {
    const n = 1 + Math.floor(rng() * 6);
    const w: string[] = [];
    for (let i = 0; i < n; i++) w.push(pick(rng, WORDS));
    return w.join(' ');
  }
  // junk: random letters and digits, as a garbled transcription or a stray notification code
  const chars = 'abcdefghijklmnopqrstuvwxyz0123456789      ';
  const n = 3 + Math.floor(rng() * 20);
  let s = '';
  for (let i = 0; i < n; i++) s += chars.charAt(Math.floor(rng() * chars.length));
  return s.trim() || 'x';
}
