// Bundles src/ into dist/ with plain Node: an ES module and a <script> build (global PrivacySuite), the modules
// concatenated in one scope, comments and needless whitespace dropped. Prints raw and gzip sizes; fails over budget.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import vm from 'node:vm'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const GZIP_BUDGET = 5 * 1024
const IMPORT = /^import \{([^}]*)\} from '\.\/([\w-]+\.js)'\n/gm
const EXPORT_FROM = /^export \{([^}]*)\} from '\.\/([\w-]+\.js)'$/gm
const names = list => list.split(',').map(s => s.trim()).filter(Boolean)

// Modules in dependency order, each with the names it exports.
const order = []
const visit = file => {
  if (order.some(m => m.file == file)) return
  const source = readFileSync(join(root, 'src', file), 'utf8')
  for (const [, , dep] of source.matchAll(IMPORT)) visit(dep)
  const exported = [...source.matchAll(/^export (?:async )?(?:function|class|const) (\w+)/gm)].map(m => m[1])
  order.push({ file, source, exported })
}
const index = readFileSync(join(root, 'src/index.js'), 'utf8')
const publicNames = []
for (const [, list, file] of index.matchAll(EXPORT_FROM)) {
  visit(file)
  publicNames.push(...names(list))
}

/**
 * Drops comments and the whitespace no token needs. A small tokenizer (strings, regular expressions, comments),
 * enough for these sources, which use no template literals. A line break stays where automatic semicolon
 * insertion may need it: after a word, a string, a regular expression, `)`, `]`, `}`, `++` and `--`.
 */
const compact = code => {
  const word = c => /[\w$]/.test(c)
  let out = ''
  let last = ''
  let lastKind = ''
  let gap = ''
  let i = 0
  const emit = (text, kind) => {
    const first = text[0]
    if (gap && out) {
      const joins = (lastKind == 'word' || lastKind == 'regex') && word(first)
      const doubled = (first == '+' || first == '-') && last == first
      if (gap == '\n') {
        const open = lastKind == 'punct' && '{([,;:=?&|!<>*%/'.includes(last) && !/(\+\+|--)$/.test(out)
        const continues = '})],.?:&|'.includes(first)
        out += open || continues ? (joins ? ' ' : '') : '\n'
      } else if (joins || doubled) out += ' '
    }
    out += text
    last = text[text.length - 1]
    lastKind = kind
    gap = ''
  }
  while (i < code.length) {
    const c = code[i]
    if (c == '\n' || c == ' ' || c == '\t' || c == '\r') {
      if (c == '\n') gap = '\n'
      else if (!gap) gap = ' '
      i++
    } else if (c == '/' && code[i + 1] == '/') {
      while (i < code.length && code[i] != '\n') i++
    } else if (c == '/' && code[i + 1] == '*') {
      const end = code.indexOf('*/', i + 2)
      if (code.slice(i, end).includes('\n')) gap = '\n'
      else if (!gap) gap = ' '
      i = end + 2
    } else if (c == '`') {
      throw new Error('template literals are not supported by the build: use strings')
    } else if (c == "'" || c == '"') {
      let j = i + 1
      while (code[j] != c) j += code[j] == '\\' ? 2 : 1
      emit(code.slice(i, j + 1), 'string')
      i = j + 1
    } else if (c == '/' && (lastKind == 'punct' ? '(,=:[!&|?{};'.includes(last) : /(^|[^\w$])(return|typeof)$/.test(out) || !out)) {
      let j = i + 1
      let inClass = false
      while (inClass || code[j] != '/') {
        if (code[j] == '\\') j++
        else if (code[j] == '[') inClass = true
        else if (code[j] == ']') inClass = false
        j++
      }
      j++
      while (/[a-z]/.test(code[j])) j++
      emit(code.slice(i, j), 'regex')
      i = j
    } else if (word(c)) {
      let j = i
      while (j < code.length && word(code[j])) j++
      emit(code.slice(i, j), 'word')
      i = j
    } else {
      emit(c, 'punct')
      i++
    }
  }
  return out
}

// Modules share one scope, as a bundler's scope hoisting does: two top-level declarations of one name fail the build.
const declared = new Map()
const modules = order.map(({ file, source }) => {
  for (const [, name] of source.matchAll(/^(?:export )?(?:async )?(?:function|class|const|let) (\w+)/gm)) {
    if (declared.has(name)) throw new Error(`${name} is declared in both ${declared.get(name)} and ${file}`)
    declared.set(name, file)
  }
  return { file, text: compact(source.replace(IMPORT, '').replace(/^export (async function|function|class|const) /gm, '$1 ')) }
})
const body = modules.map(m => m.text).join('\n')

const esm = `${body}\nexport{${publicNames}}\n`
const script = `var PrivacySuite=(()=>{'use strict';\n${body}\nreturn{${publicNames}}})();\n`

mkdirSync(join(root, 'dist'), { recursive: true })
writeFileSync(join(root, 'dist/privacy-suite.mjs'), esm)
writeFileSync(join(root, 'dist/privacy-suite.js'), script)

// Both builds must load and expose exactly what src/index.js exports.
const fromEsm = Object.keys(await import(pathToFileURL(join(root, 'dist/privacy-suite.mjs')) + '?' + Date.now()))
const context = vm.createContext({})
vm.runInContext(script, context)
const fromScript = Object.keys(context.PrivacySuite)
for (const [what, got] of [['dist/privacy-suite.mjs', fromEsm], ['dist/privacy-suite.js', fromScript]]) {
  if (got.slice().sort().join() != publicNames.slice().sort().join()) {
    throw new Error(`${what} exports ${got} instead of ${publicNames}`)
  }
}

let over = false
for (const [file, text] of [['dist/privacy-suite.mjs', esm], ['dist/privacy-suite.js', script]]) {
  const raw = Buffer.byteLength(text)
  const gz = gzipSync(text, { level: 9 }).length
  over = over || gz > GZIP_BUDGET
  console.log(`${file}: ${raw} bytes, ${gz} bytes gzipped`)
}
console.log('  each module gzipped alone: ' +
  modules.map(m => `${m.file} ${gzipSync(m.text, { level: 9 }).length}`).join(', '))
if (over) {
  console.error(`over the ${GZIP_BUDGET}-byte gzip budget`)
  process.exit(1)
}
