import { createHash } from 'node:crypto';
import { renderBehaviourMatrix } from './html-behaviours.ts';
import type {
  ExchangeEntry, ExchangeMessage, ReportModel, RequirementReport, RoleSummary, RuleVerdict, ScenarioReport, ScenarioStatus,
} from './model.ts';

/*
 * report.html: one self-contained page, offline, readable by a vendor and printable by a regulator.
 *
 * Everything rendered may come from the system under test (names, error messages, bodies, headers): it is
 * escaped without exception, and the page's CSP only lets our own inline style and script run (by hash), so
 * even a missed escape could not execute injected script.
 *
 * It stays fast at ~1,000 scenarios by rendering little up front: the verdict, the per-role summary, the
 * coverage matrix and one light row per scenario. A scenario's steps, findings, offending messages and
 * sequence diagram are built from its own JSON block the first time it is opened; filters only toggle
 * `hidden` on the rows.
 */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
// C0 controls are not allowed in HTML text either; show them rather than let the parser mangle them.
const HTML_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

export function esc(value: unknown): string {
  const s = typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
  return s
    .replace(HTML_CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * JSON inside <script type="application/json">: `<` is escaped so no `</script>` or `<!--` can end
 * the element early; `>`/`&` and the JS line separators for good measure. The result is still JSON.
 */
export function embedJson(data: unknown): string {
  return JSON.stringify(data)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export const MAX_BODY_CHARS = 100_000;

export const STATUS_LABEL: Record<ScenarioStatus, string> = {
  passed: 'aprobado / passed',
  failed: 'fallido / failed',
  skipped: 'omitido / skipped',
  undefined: 'indefinido / undefined',
  pending: 'pendiente / pending',
  ambiguous: 'ambiguo / ambiguous',
  inconclusive: 'no concluyente / inconclusive',
};

const VERDICT_LABEL: Record<RuleVerdict, string> = {
  passed: 'cumple / passed',
  failed: 'falla / failed',
  'not-assessed': 'no evaluado / not assessed',
  'not-covered': 'sin cobertura / not covered',
  'not-applicable': 'no aplica / n/a',
};

const ROLE_VERDICT_LABEL: Record<RoleSummary['verdict'], string> = {
  CERTIFIABLE: 'CERTIFIABLE',
  'NOT CERTIFIABLE': 'NOT CERTIFIABLE',
  INCONCLUSIVE: 'NO CONCLUYENTE / INCONCLUSIVE',
  'PLAYED BY SELLO': 'simulado por Sello, no juzgado / played by Sello, not judged',
};

/** A CSS-safe key of a verdict for its badge colour. */
const verdictKey = (v: RoleSummary['verdict']): string => (v === 'NOT CERTIFIABLE' ? 'NOT' : v === 'PLAYED BY SELLO' ? 'PLAYED' : v);

const CSS = `
:root{--ok:#1a7f37;--ko:#cf222e;--warn:#9a6700;--mut:#57606a;--line:#d0d7de;--bg2:#f6f8fa;--hl:#fff3b0;--hlko:#ffd7d5}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1f2328;margin:0 auto;max-width:1280px;padding:16px 24px}
h1{font-size:22px;margin:0 0 8px}h2{font-size:18px;border-bottom:1px solid var(--line);padding-bottom:4px;margin-top:28px}
h3{font-size:15px;margin:18px 0 6px}h4{font-size:14px;margin:10px 0 4px}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:8px 0}dl.meta dt{color:var(--mut)}dl.meta dd{margin:0;word-break:break-all}
.verdict{border-radius:8px;padding:14px 18px;margin:12px 0;color:#fff;-webkit-print-color-adjust:exact;print-color-adjust:exact}
.verdict.ok{background:var(--ok)}.verdict.ko{background:var(--ko)}.verdict.inc{background:var(--warn)}
.verdict .big{font-size:30px;font-weight:700;letter-spacing:.5px}.verdict p{margin:4px 0}
.totals span{display:inline-block;margin-right:14px}
.note{border-left:4px solid var(--mut);background:var(--bg2);padding:6px 10px;margin:8px 0}.note.warn{border-left-color:var(--warn)}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{border:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}
th{background:var(--bg2);position:sticky;top:0}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;color:#fff;background:var(--mut);white-space:nowrap;-webkit-print-color-adjust:exact;print-color-adjust:exact}
.b-passed,.b-CERTIFIABLE{background:var(--ok)}.b-failed,.b-ambiguous,.b-NOT{background:var(--ko)}.b-undefined,.b-pending,.b-not-covered{background:var(--warn)}.b-not-applicable,.b-skipped,.b-PLAYED{background:#888}
.b-inconclusive,.b-INCONCLUSIVE,.b-not-assessed{background:#6e40c9}
.b-fatal,.b-error{background:var(--ko)}.b-warning{background:var(--warn)}.b-information{background:var(--mut)}
tr.gap td{background:#fff8c5}tr.rq-failed td:first-child{border-left:4px solid var(--ko)}tr.gap td:first-child{border-left:4px solid var(--warn)}
td.cell{text-align:center;white-space:nowrap}td.cell button,.linkish{background:none;border:0;padding:0;color:#0969da;cursor:pointer;font:inherit;text-decoration:underline}
.flag{color:var(--warn);font-weight:700}
button.tog{border:1px solid var(--line);background:#fff;border-radius:4px;cursor:pointer;font:inherit;padding:0 6px}
tr.rq-d td{background:#fbfbfc}
.filters{position:sticky;top:0;background:#fff;padding:8px 0;border-bottom:1px solid var(--line);z-index:2;display:flex;flex-wrap:wrap;gap:6px;align-items:center}
.filters input{width:260px;padding:4px 6px}.filters select{padding:4px;max-width:260px}
.sc{border:1px solid var(--line);border-left:6px solid var(--mut);border-radius:6px;margin:6px 0;break-inside:avoid}
.sc.st-passed{border-left-color:var(--ok)}.sc.st-failed,.sc.st-ambiguous{border-left-color:var(--ko)}.sc.st-undefined,.sc.st-pending{border-left-color:var(--warn)}.sc.st-inconclusive{border-left-color:#6e40c9}
.sc-h{display:block;width:100%;text-align:left;background:none;border:0;padding:6px 10px;cursor:pointer;font:inherit;color:inherit}
.sc-h:hover{background:var(--bg2)}.sc-b{padding:4px 12px 10px}
.small{color:var(--mut);font-size:12px}.tag{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;margin-right:6px}
ol.steps{margin:4px 0;padding-left:22px}ol.steps li.st-failed,ol.steps li.st-ambiguous{color:var(--ko)}ol.steps li.st-undefined,ol.steps li.st-pending{color:var(--warn)}ol.steps li.st-skipped{color:var(--mut)}
pre{background:var(--bg2);border:1px solid var(--line);padding:6px 8px;white-space:pre-wrap;word-break:break-all;margin:4px 0;font-size:12px;max-height:420px;overflow:auto}
mark{background:var(--hl);outline:1px solid #d4a72c;border-radius:2px}mark.cur{background:var(--hlko);outline:2px solid var(--ko)}mark.anc{background:#ddf4ff;outline:1px dashed #0969da}
.finding{border:1px solid var(--line);border-left:4px solid var(--ko);border-radius:4px;padding:6px 10px;margin:8px 0}.finding.sev-warning{border-left-color:var(--warn)}.finding.sev-information{border-left-color:var(--mut)}
.finding .loc{font-family:ui-monospace,Menlo,Consolas,monospace}
details.x{border:1px solid var(--line);border-radius:4px;padding:4px 8px;margin:4px 0}details.x>summary{cursor:pointer;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
details.x.bad>summary{color:var(--ko);font-weight:600}details.x.flash{outline:2px solid #0969da}
svg.seq{display:block;max-width:100%;height:auto;border:1px solid var(--line);border-radius:4px;background:#fff;margin:4px 0}
svg.seq text{font:12px system-ui,Arial,sans-serif;fill:#1f2328}svg.seq .pbox{fill:var(--bg2);stroke:#8c959f}svg.seq .life{stroke:#8c959f;stroke-dasharray:4 4}
svg.seq .msg line,svg.seq .msg path{stroke:#1f2328;stroke-width:1.4;fill:none}svg.seq .msg polygon{fill:#1f2328}svg.seq .msg .ret{stroke-dasharray:5 4}
svg.seq .msg.bad line,svg.seq .msg.bad path{stroke:var(--ko);stroke-width:2.2}svg.seq .msg.bad polygon{fill:var(--ko)}svg.seq .msg.bad text{fill:var(--ko);font-weight:600}
svg.seq .msg{cursor:pointer}svg.seq .msg:hover text{text-decoration:underline}svg.seq .msg:focus{outline:none}svg.seq .msg:focus text{text-decoration:underline}
[hidden]{display:none!important}
@media print{.filters,button.tog{display:none}body{max-width:none;padding:0}pre{max-height:none;overflow:visible}th{position:static}}
`;

/*
 * The page script. ES5-ish and dependency-free; it never uses innerHTML on data: every value reaches the DOM
 * through textContent or attributes.
 */
const JS = `
(function(){
'use strict';
var D=document,$=function(id){return D.getElementById(id);};
var LBL=JSON.parse($('sello-labels').textContent);
function el(tag,cls,text){var e=D.createElement(tag);if(cls)e.className=cls;if(text!==undefined&&text!==null)e.textContent=String(text);return e;}
function badge(cls,text){return el('span','badge b-'+cls,text);}
var rows=[].slice.call(D.querySelectorAll('article.sc')),feats=[].slice.call(D.querySelectorAll('section.feature'));
var items=rows.map(function(r){return{el:r,st:r.getAttribute('data-st'),roles:r.getAttribute('data-roles'),reqs:r.getAttribute('data-reqs'),prog:r.getAttribute('data-prog'),q:r.getAttribute('data-q'),f:r.parentNode};});
var fq=$('f-q'),fst=$('f-st'),frole=$('f-role'),freq=$('f-req'),fprog=$('f-prog'),count=$('f-count');
function apply(){
  var q=fq.value.trim().toLowerCase(),st=fst.value,role=frole.value,req=freq.value,prog=fprog.value,n=0,seen=new Map();
  for(var i=0;i<items.length;i++){var it=items[i];
    var ok=(!st||(st==='not-passed'?it.st!=='passed':it.st===st))&&(!role||it.roles.indexOf(' '+role+' ')>=0)&&(!req||it.reqs.indexOf(' '+req+' ')>=0)&&(!prog||it.prog===prog)&&(!q||it.q.indexOf(q)>=0);
    it.el.hidden=!ok;if(ok){n++;seen.set(it.f,true);}}
  for(var j=0;j<feats.length;j++)feats[j].hidden=!seen.has(feats[j]);
  count.textContent=n+' / '+items.length;
  D.documentElement.setAttribute('data-shown',String(n));
}
[fq].forEach(function(e){e.addEventListener('input',apply);});
[fst,frole,freq,fprog].forEach(function(e){e.addEventListener('change',apply);});
$('f-clear').addEventListener('click',function(){fq.value='';fst.value='';frole.value='';freq.value='';fprog.value='';apply();});
function setFilter(o){fq.value='';fst.value=o.st||'';frole.value=o.role||'';freq.value=o.req||'';fprog.value=o.prog||'';apply();$('scenarios').scrollIntoView();}
D.addEventListener('click',function(ev){
  var t=ev.target.closest?ev.target.closest('[data-filter]'):null;
  if(t){ev.preventDefault();setFilter(JSON.parse(t.getAttribute('data-filter')));return;}
  var tg=ev.target.closest?ev.target.closest('button.tog'):null;
  if(tg){var d=$(tg.getAttribute('aria-controls'));var open=d.hidden;d.hidden=!open;tg.setAttribute('aria-expanded',String(open));tg.textContent=open?'\\u25BE':'\\u25B8';return;}
  var h=ev.target.closest?ev.target.closest('button.sc-h'):null;
  if(h){toggle(h.parentNode);return;}
  var go=ev.target.closest?ev.target.closest('[data-open]'):null;
  if(go){ev.preventDefault();var a=go.getAttribute('data-open').split('#');openScenario(a[0],a[1]);}
});
function openScenario(i,fi){var r=$('s-'+i);if(!r)return;if(r.hidden){fq.value='';fst.value='';frole.value='';freq.value='';fprog.value='';apply();}
  if(r.getAttribute('data-open')!=='1')toggle(r);
  var target=fi!==undefined?$('f-'+i+'-'+fi):r;(target||r).scrollIntoView({block:'start'});}
function toggle(r){var b=r.querySelector('.sc-b'),h=r.querySelector('.sc-h');
  if(!r.getAttribute('data-built')){build(r,b);r.setAttribute('data-built','1');}
  var open=b.hidden;b.hidden=!open;h.setAttribute('aria-expanded',String(open));r.setAttribute('data-open',open?'1':'0');
  if(open){var m=b.querySelector('mark.cur');if(m&&m.parentNode)centerIn(m);}}
function centerIn(m){var p=m.closest('pre');if(p){p.scrollTop=Math.max(0,m.offsetTop-p.offsetTop-p.clientHeight/3);}}
/* JSON pointer helpers (RFC 6901) */
function toks(p){if(p==='')return[];if(p.charAt(0)!=='/')return null;return p.slice(1).split('/').map(function(t){return t.replace(/~1/g,'/').replace(/~0/g,'~');});}
function esc6901(k){return String(k).replace(/~/g,'~0').replace(/\\//g,'~1');}
function deepest(doc,p){var t=toks(p);if(!t)return null;var cur=doc,ok='';for(var i=0;i<t.length;i++){var k=t[i];
  if(Array.isArray(cur)){if(!/^(0|[1-9][0-9]*)$/.test(k)||+k>=cur.length)return ok;cur=cur[+k];}
  else if(cur&&typeof cur==='object'&&Object.prototype.hasOwnProperty.call(cur,k)){cur=cur[k];}else return ok;
  ok+='/'+esc6901(k);}return ok;}
/* Pretty JSON with <mark> around the members the marks map names (pointer -> class). */
function jsonPre(v,marks){
  var pre=el('pre','json'),stack=[pre],buf='';
  function flush(){if(buf){stack[stack.length-1].appendChild(D.createTextNode(buf));buf='';}}
  function open(c,p){flush();var m=el('mark',c);m.title=p===''?'(mensaje completo / whole message)':p;stack[stack.length-1].appendChild(m);stack.push(m);}
  function close(){flush();stack.pop();}
  function ser(x,ind,p,skip){var c=!skip&&Object.prototype.hasOwnProperty.call(marks,p)?marks[p]:null;if(c)open(c,p);
    if(x===null||typeof x!=='object')buf+=JSON.stringify(x);
    else if(Array.isArray(x)){if(!x.length)buf+='[]';else{buf+='[\\n';for(var i=0;i<x.length;i++){buf+=ind+'  ';ser(x[i],ind+'  ',p+'/'+i,false);buf+=(i<x.length-1?',':'')+'\\n';}buf+=ind+']';}}
    else{var ks=Object.keys(x);if(!ks.length)buf+='{}';else{buf+='{\\n';for(var j=0;j<ks.length;j++){var k=ks[j],kp=p+'/'+esc6901(k),kc=Object.prototype.hasOwnProperty.call(marks,kp)?marks[kp]:null;buf+=ind+'  ';
      if(kc){open(kc,kp);buf+=JSON.stringify(k)+': ';ser(x[k],ind+'  ',kp,true);close();}else{buf+=JSON.stringify(k)+': ';ser(x[k],ind+'  ',kp,false);}
      buf+=(j<ks.length-1?',':'')+'\\n';}buf+=ind+'}';}}
    if(c)close();}
  ser(v,'','',false);flush();return pre;}
function bodyPre(body,marks){
  if(body===undefined)return el('pre','',LBL.noBody);
  if(typeof body==='string'){var pre=el('pre');if(marks['']!==undefined){var m=el('mark',marks['']);m.textContent=body.replace(/\\r\\n?/g,'\\n');pre.appendChild(m);}else pre.textContent=body.replace(/\\r\\n?/g,'\\n');return pre;}
  return jsonPre(body,marks);}
function headersPre(h){if(!h||typeof h!=='object')return null;var k=Object.keys(h);if(!k.length)return null;return el('pre','',k.map(function(n){var v=h[n];return n+': '+(typeof v==='string'?v:JSON.stringify(v));}).join('\\n'));}
function pathOf(u){try{var x=new URL(u,'http://x');return x.pathname+(x.search||'');}catch(e){return u||'';}}
function acuseOf(b){return b&&typeof b==='object'&&b.acuse&&typeof b.acuse==='object'?b.acuse:null;}
function reqLabel(x){return (x.method||String(x.protocol||'').toUpperCase())+' '+pathOf(x.url);}
function resLabel(x){if(x.error!==undefined&&x.status===undefined)return '\\u2717 '+String(x.error).slice(0,40);var rb=x.response&&x.response.body;if(x.status===undefined&&typeof rb==='string'){var ack=/(?:^|\\r)MSA\\|([A-Z]{2})/.exec(rb);if(ack)return 'MSA '+ack[1];}var a=acuseOf(rb);return (x.status!==undefined?String(x.status):'\\u2014')+(a?' '+(a.estatus||'')+(a.codigo?' '+a.codigo:''):'');}
/* Marks of one message: every finding located in it; the one being shown is "cur". */
function marksFor(d,xi,side,cur){var m={};d.findings.forEach(function(f,fi){if(f.x!==xi||f.side!==side||f.locationKind!=='json-pointer')return;var body=side==='request'?(d.exchanges[xi].request||{}).body:(d.exchanges[xi].response||{}).body;
  var p=f.location;if(typeof body==='object'&&body!==null){var dp=deepest(body,p);if(dp===null)return;if(dp!==p){m[dp]=m[dp]==='cur'?'cur':'anc';return;}}else p='';
  m[p]=fi===cur||m[p]==='cur'?'cur':'hit';});return m;}
function build(r,b){
  var i=r.getAttribute('data-i'),d=JSON.parse($('d-'+i).textContent);
  var xIndex={};d.exchanges.forEach(function(x,k){xIndex[x.id]=k;});
  d.findings.forEach(function(f){f.x=f.exchangeId!==undefined&&xIndex[f.exchangeId]!==undefined?xIndex[f.exchangeId]:-1;});
  var bad={};d.findings.forEach(function(f){if(f.x>=0&&(f.severity==='error'||f.severity==='fatal'))bad[f.x]=true;});
  /* findings first: what a vendor has to fix, with the message that broke it */
  if(d.findings.length){b.appendChild(el('h4','',LBL.findings+' ('+d.findings.length+')'));
    d.findings.forEach(function(f,fi){var box=el('div','finding sev-'+f.severity);box.id='f-'+i+'-'+fi;
      var head=el('div');head.appendChild(badge(f.severity,f.severity));head.appendChild(D.createTextNode(' '));head.appendChild(el('b','',f.ruleId));head.appendChild(D.createTextNode(' \\u00B7 '+f.code+' \\u00B7 '));head.appendChild(el('span','loc',f.location===''?'(mensaje completo / whole message)':f.location));head.appendChild(el('span','small',' '+f.locationKind));box.appendChild(head);
      if(f.message.es)box.appendChild(el('div','',f.message.es)).lang='es';
      box.appendChild(el('div',f.message.es?'small':'',f.message.en)).lang='en';
      if(f.x>=0){var x=d.exchanges[f.x],side=f.side||'response',msg=side==='request'?x.request:x.response;
        var cap=el('div','small');cap.appendChild(D.createTextNode((side==='request'?LBL.request:LBL.response)+' \\u2014 '+(f.x+1)+'. '+reqLabel(x)+' \\u2192 '+resLabel(x)+' \\u00B7 '+x.from+' \\u2192 '+x.to+' \\u00B7 '));
        var jump=el('button','linkish',LBL.exchange);jump.type='button';jump.addEventListener('click',function(){showExchange(b,i,f.x);});cap.appendChild(jump);box.appendChild(cap);
        if(f.locationKind==='json-pointer'&&msg&&typeof msg.body==='object'&&msg.body!==null&&deepest(msg.body,f.location)!==f.location)box.appendChild(el('div','small',LBL.missing));
        box.appendChild(bodyPre(msg?msg.body:undefined,marksFor(d,f.x,side,fi)));}
      else box.appendChild(el('div','small',LBL.noExchange));
      b.appendChild(box);});}
  if(d.steps.length){b.appendChild(el('h4','',LBL.steps));var ol=el('ol','steps');d.steps.forEach(function(s){var li=el('li','st-'+s.status);li.appendChild(el('b','',s.keyword));li.appendChild(D.createTextNode(' '+s.text+' '));li.appendChild(el('span','small',LBL.status[s.status]+' \\u00B7 '+s.ms));if(s.error)li.appendChild(el('pre','',s.error));ol.appendChild(li);});b.appendChild(ol);}
  if(d.exchanges.length){b.appendChild(el('h4','',LBL.sequence));b.appendChild(seq(d.exchanges,bad,function(k){showExchange(b,i,k);}));
    b.appendChild(el('h4','',LBL.exchanges+' ('+d.exchanges.length+')'));
    d.exchanges.forEach(function(x,k){var det=el('details','x'+(bad[k]?' bad':''));det.id='x-'+i+'-'+k;
      det.appendChild(el('summary','',(k+1)+'. '+reqLabel(x)+' \\u2192 '+resLabel(x)+(x.messageId?' \\u00B7 messageId '+x.messageId:'')+' \\u00B7 '+x.from+' \\u2192 '+x.to));
      det.addEventListener('toggle',function(){if(!det.open||det.getAttribute('data-built'))return;det.setAttribute('data-built','1');
        det.appendChild(el('div','small','id '+x.id+' \\u00B7 '+(x.protocol||'?')+(x.observedBy?' \\u00B7 '+x.observedBy:'')+' \\u00B7 '+(x.startedAt||'')+' \\u2013 '+(x.finishedAt||'')));
        if(x.error!==undefined)det.appendChild(el('pre','',x.error));
        [['request',LBL.request],['response',LBL.response]].forEach(function(p){var m=x[p[0]];if(!m||typeof m!=='object')return;det.appendChild(el('h4','',p[1]));var h=headersPre(m.headers);if(h)det.appendChild(h);det.appendChild(bodyPre(m.body,marksFor(d,k,p[0],-1)));});});
      b.appendChild(det);});}
  if(!d.findings.length&&!d.steps.length&&!d.exchanges.length)b.appendChild(el('p','small',LBL.empty));
}
function showExchange(b,i,k){var det=$('x-'+i+'-'+k);if(!det)return;det.open=true;det.classList.add('flash');det.scrollIntoView({block:'center'});setTimeout(function(){det.classList.remove('flash');},1500);}
/* Sequence diagram: who sent what to whom, in order; a message with a blocking finding is red. */
function seq(xs,bad,onPick){
  var NS='http://www.w3.org/2000/svg',parts=[];
  xs.forEach(function(x){[x.from,x.to].forEach(function(p){p=String(p);if(parts.indexOf(p)<0)parts.push(p);});});
  parts.sort(function(a,b){var sa=a.indexOf('sello')===0,sb=b.indexOf('sello')===0;return sa===sb?0:sa?-1:1;});
  var colW=190,left=100,top=52,rowH=50,W=left*2+colW*Math.max(parts.length-1,1),H=top+rowH*xs.length+16;
  var svg=D.createElementNS(NS,'svg');svg.setAttribute('class','seq');svg.setAttribute('viewBox','0 0 '+W+' '+H);svg.setAttribute('width',String(W));svg.setAttribute('role','img');
  svg.setAttribute('aria-label',LBL.sequence);
  function n(tag,attrs,parent){var e=D.createElementNS(NS,tag);for(var k in attrs)e.setAttribute(k,String(attrs[k]));(parent||svg).appendChild(e);return e;}
  function txt(s,x,y,anchor,parent){var t=n('text',{x:x,y:y,'text-anchor':anchor||'middle'},parent);t.textContent=s;return t;}
  var X=function(p){return left+colW*parts.indexOf(String(p));};
  parts.forEach(function(p){var x=X(p);n('line',{x1:x,y1:34,x2:x,y2:H-6,'class':'life'});n('rect',{x:x-88,y:6,width:176,height:26,rx:4,'class':'pbox'});txt(p.length>26?p.slice(0,25)+'\\u2026':p,x,24);});
  function arrow(g,x1,x2,y,ret){if(x1===x2){n('path',{d:'M'+x1+' '+(y-8)+' h34 v16 h-30','class':ret?'ret':''},g);n('polygon',{points:(x1+4)+','+(y+8)+' '+(x1+12)+','+(y+4)+' '+(x1+12)+','+(y+12)},g);return;}
    n('line',{x1:x1,y1:y,x2:x2,y2:y,'class':ret?'ret':''},g);var dir=x2>x1?-1:1;n('polygon',{points:x2+','+y+' '+(x2+dir*9)+','+(y-4)+' '+(x2+dir*9)+','+(y+4)},g);}
  xs.forEach(function(x,k){var g=n('g',{'class':'msg'+(bad[k]?' bad':''),tabindex:0,role:'button','data-x':k});
    var a=X(x.from),b2=X(x.to),y=top+k*rowH+12,mid=a===b2?a+40:(a+b2)/2,anchor=a===b2?'start':'middle';
    var t=n('title',{},g);t.textContent=(k+1)+'. '+reqLabel(x)+' \\u2192 '+resLabel(x);
    arrow(g,a,b2,y,false);txt((k+1)+'. '+(function(s){return s.length>34?s.slice(0,33)+'\\u2026':s;})(reqLabel(x)),mid,y-5,anchor,g);
    if(x.response||x.status!==undefined||x.error!==undefined){arrow(g,b2,a,y+22,true);txt(resLabel(x),mid,y+17,anchor,g);}
    g.addEventListener('click',function(){onPick(k);});g.addEventListener('keydown',function(e){if(e.key==='Enter'||e.key===' '){e.preventDefault();onPick(k);}});});
  return svg;}
var opened=[];
window.addEventListener('beforeprint',function(){items.forEach(function(it){if(!it.el.hidden&&it.el.getAttribute('data-open')!=='1'){toggle(it.el);opened.push(it.el);}});});
window.addEventListener('afterprint',function(){opened.forEach(function(r){toggle(r);});opened=[];});
apply();
D.documentElement.setAttribute('data-ready','1');
})();
`;

const LABELS = {
  findings: 'Hallazgos / Findings',
  steps: 'Pasos / Steps',
  sequence: 'Secuencia / Sequence',
  exchanges: 'Intercambios / Exchanges',
  request: 'Petición / Request',
  response: 'Respuesta / Response',
  exchange: 'ver intercambio / show exchange',
  missing: 'La ubicación no existe en este mensaje (campo ausente); se marca el nodo existente más cercano. / The location is absent from this message (missing member); the nearest existing node is marked.',
  noExchange: 'Sin mensaje asociado (hallazgo sobre el intercambio o la espera). / No message linked (finding about the exchange or a wait).',
  noBody: '(sin cuerpo / no body)',
  empty: 'Sin pasos ni intercambios. / No steps or exchanges.',
  status: STATUS_LABEL,
};

const sha256 = (s: string): string => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

const badge = (cls: string, label: string): string => `<span class="badge b-${esc(cls)}">${esc(label)}</span>`;

function fmtMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

function truncatedBody(body: unknown): unknown {
  if (typeof body === 'string') {
    return body.length > MAX_BODY_CHARS
      ? `${body.slice(0, MAX_BODY_CHARS)}\n… [truncated at ${MAX_BODY_CHARS} characters; full body in evidence/exchanges.ndjson]`
      : body;
  }
  if (body === undefined) return undefined;
  let text: string | undefined;
  try {
    text = JSON.stringify(body);
  } catch {
    return String(body);
  }
  if (text !== undefined && text.length > MAX_BODY_CHARS) {
    return `${text.slice(0, MAX_BODY_CHARS)}\n… [truncated at ${MAX_BODY_CHARS} characters; full body in evidence/exchanges.ndjson]`;
  }
  return body;
}

function message(m: ExchangeMessage | undefined): unknown {
  if (typeof m !== 'object' || m === null) return undefined;
  return { headers: m.headers, body: truncatedBody(m.body) };
}

/** What the page needs of one scenario, parsed only when the scenario is opened. */
function scenarioData(s: ScenarioReport, exchanges: readonly ExchangeEntry[]): unknown {
  return {
    steps: s.steps.map((st) => ({ keyword: st.keyword, text: st.text, status: st.status, ms: fmtMs(st.durationMs), ...(st.error ? { error: st.error } : {}) })),
    findings: s.findings,
    exchanges: exchanges.map((x) => ({
      id: typeof x.id === 'string' ? x.id : String(x.id ?? ''),
      protocol: x.protocol,
      from: String(x.from ?? '?'),
      to: String(x.to ?? '?'),
      method: x.method,
      url: x.url,
      status: x.status,
      messageId: x.messageId,
      startedAt: x.startedAt,
      finishedAt: x.finishedAt,
      observedBy: x.observedBy,
      error: x.error,
      request: message(x.request),
      response: message(x.response),
    })),
  };
}

const filterAttr = (o: Record<string, string>): string => esc(JSON.stringify(o));

function renderScenarioRow(s: ScenarioReport, i: number, program: string, exchanges: readonly ExchangeEntry[]): string {
  const search = [s.id, s.name, s.status, ...s.tags, ...s.findings.map((f) => f.ruleId)].join(' ').toLowerCase();
  const blocking = s.findings.filter((f) => f.severity === 'error' || f.severity === 'fatal').length;
  const info = [
    s.id,
    fmtMs(s.durationMs),
    s.roles.length ? `roles: ${s.roles.join(', ')}` : '',
    s.findings.length ? `hallazgos / findings: ${s.findings.length}${blocking ? ` (${blocking} bloqueantes / blocking)` : ''}` : '',
    exchanges.length ? `intercambios / exchanges: ${exchanges.length}` : '',
    s.attempts > 1 ? `intentos / attempts: ${s.attempts}` : '',
    s.infrastructure ? `infraestructura / infrastructure: ${s.infrastructure.cause} — ${s.infrastructure.message}${s.infrastructure.exchangeId ? ` (${s.infrastructure.exchangeId})` : ''}` : '',
    s.selloFindings ? `hallazgos contra el simulador de Sello, no cuentan contra el SUT / findings against Sello's own mock, not counted against the SUT: ${s.selloFindings}` : '',
  ].filter(Boolean).join(' · ');
  return `<article class="sc st-${esc(s.status)}" id="s-${i}" data-i="${i}" data-st="${esc(s.status)}" data-roles=" ${esc(s.roles.join(' '))} "`
    + ` data-reqs=" ${esc([...new Set([...s.requirements, ...s.rules])].join(' '))} " data-prog="${esc(program)}" data-q="${esc(search)}">`
    + `<button type="button" class="sc-h" aria-expanded="false">${badge(s.status, STATUS_LABEL[s.status] ?? s.status)} <b>${esc(s.name)}</b>`
    + `<br><span class="small">${esc(info)}</span> ${s.tags.map((t) => `<span class="tag">${esc(t)}</span>`).join('')}</button>`
    + '<div class="sc-b" hidden></div>'
    + `<script type="application/json" id="d-${i}">${embedJson(scenarioData(s, exchanges))}</script>`
    + '</article>';
}

function cell(r: RequirementReport, role: string): string {
  const c = r.byRole.find((x) => x.role === role);
  if (!c) return '<td class="cell">—</td>';
  const label = c.verdict === 'not-applicable' ? 'n/a' : c.verdict === 'not-covered' ? (r.severity === 'SHALL' ? '⚠ —' : '—')
    : `${c.verdict === 'passed' ? '✓' : c.verdict === 'not-assessed' ? '◌' : '✗'} ${c.scenarios.length}`;
  const inner = c.scenarios.length > 0
    ? `<button type="button" data-filter="${filterAttr({ req: r.id, role })}" title="${esc(`${r.id} · ${role}: ${VERDICT_LABEL[c.verdict]}`)}">${esc(label)}</button>`
    : esc(label);
  return `<td class="cell v-${esc(c.verdict)}">${inner}</td>`;
}

function renderRequirementRows(r: RequirementReport, i: number, roles: readonly string[], scenarioIndex: ReadonlyMap<string, number>, all: readonly ScenarioReport[]): string {
  const gap = r.severity === 'SHALL' && r.verdict === 'not-covered';
  const cls = [`rq-${r.verdict}`, gap ? 'gap' : ''].filter(Boolean).join(' ');
  const findings = r.findings.slice(0, 50).map((f) => {
    const si = scenarioIndex.get(f.scenarioId);
    const s = si === undefined ? undefined : all[si];
    const finding = s?.findings[f.index];
    const text = finding ? `[${finding.severity}] ${finding.location || '(mensaje / message)'}: ${finding.message.es ?? finding.message.en}` : '';
    return `<li><button type="button" class="linkish" data-open="${si ?? ''}#${f.index}">${esc(f.scenarioId)}</button> ${esc(text)}</li>`;
  }).join('') + (r.findings.length > 50 ? `<li>… +${r.findings.length - 50}</li>` : '');
  const detail = `<tr class="rq-d" id="rq-d-${i}" hidden><td colspan="${5 + roles.length}">`
    + `<p lang="es">${esc(r.text.es ?? '')}</p><p lang="en" class="small">${esc(r.text.en)}</p>`
    + `<div class="small">Fuente / Source: ${esc(r.source)}${r.schema ? ` · esquema / schema: <code>${esc(r.schema)}</code>` : ''}`
    + ` · etiquetas / tags: ${esc(r.coveredBy.map((t) => `@${t}`).join(' '))}${r.roles ? ` · roles: ${esc(r.roles.join(', '))}` : ''}</div>`
    + `<p><b>${esc(VERDICT_LABEL[r.verdict])}</b>: ${esc(r.reason.es)} <span class="small">${esc(r.reason.en)}</span></p>`
    + (r.declaredOnly.length > 0 ? `<p class="small">${esc(`Etiquetados sin intercambiar ese mensaje / tagged but no such message exchanged: ${r.declaredOnly.length}`)}</p>` : '')
    + (r.scenarios.length > 0 ? `<p><button type="button" class="linkish" data-filter="${filterAttr({ req: r.id })}">${esc(`Ver los ${r.scenarios.length} escenarios / show the ${r.scenarios.length} scenarios`)}</button></p>` : '')
    + (findings ? `<h4>Evidencia: hallazgos / Evidence: findings (${r.findings.length})</h4><ul>${findings}</ul>` : '')
    + '</td></tr>';
  return `<tr class="${esc(cls)}" data-req="${esc(r.id)}"><td><button type="button" class="tog" aria-expanded="false" aria-controls="rq-d-${i}">▸</button> `
    + `<b>${esc(r.id)}</b> ${gap ? '<span class="flag" title="SHALL sin cobertura / SHALL not covered">⚠ SHALL sin cobertura / not covered</span>' : ''}`
    + `<br><span lang="es">${esc(r.title.es ?? '')}</span><br><span lang="en" class="small">${esc(r.title.en)}</span></td>`
    + `<td>${esc(r.kind === 'rule' ? 'regla / rule' : 'perfil / profile')}</td><td>${esc(r.severity)}</td><td>${badge(r.verdict, VERDICT_LABEL[r.verdict])}</td>`
    + roles.map((role) => cell(r, role)).join('')
    + `<td>${r.findings.length}</td></tr>${detail}`;
}

export function renderHtml(model: ReportModel, exchangesByScenario: ReadonlyMap<string, readonly ExchangeEntry[]> = new Map()): string {
  const ok = model.verdict === 'CERTIFIABLE';
  const csp = `default-src 'none'; style-src ${sha256(CSS)}; script-src ${sha256(JS)}; img-src data:; base-uri 'none'; form-action 'none'`;
  const t = model.totals;
  const roles = model.summary.map((s) => s.role);
  const meta: [string, string][] = [
    ['Programa / Program', model.program],
    ['Versión de perfiles / Profiles version', `${model.programVersion} (catálogo de requisitos / requirement catalogue ${model.catalogue.version})`],
    ['Sistema bajo prueba / SUT', `${model.sut.role} (${model.sut.kind}) ${model.sut.baseUrl}`],
    ['Ejecución / Run id', model.runId],
    ['Inicio / Started', model.startedAt],
    ['Fin / Finished', model.finishedAt],
    ['Semilla / Seed', model.seed],
    ['Sello', model.sello.version],
    ['Esquema / Schema', model.schemaVersion],
  ];
  const sig = model.integrity.signature;
  const integrity = sig.key === 'ephemeral'
    ? `<div class="note warn">Firmado con una clave efímera / Signed with an ephemeral key (Ed25519, ${esc(sig.keyThumbprint)}): prueba que los archivos no cambiaron desde la ejecución, no quién la hizo. / proves the files are unaltered since the run, not who produced it. <code>sello verify &lt;dir&gt;</code></div>`
    : `<div class="note">Firmado / Signed: Ed25519, clave / key ${esc(sig.keyThumbprint)} · <code>sello verify --public-key KEY &lt;dir&gt;</code></div>`;
  const redaction = model.redaction.applied
    ? `<div class="note">Identificadores de personas seudonimizados / Identifiers of persons pseudonymized (${esc((model.redaction.kinds ?? []).join(', '))}, ${model.redaction.values ?? 0}): ${esc(model.redaction.method ?? '')}. La evidencia cruda no se altera / raw evidence untouched.</div>`
    : '';

  const allScenarios = model.features.flatMap((f) => f.scenarios);
  const scenarioIndex = new Map(allScenarios.map((s, i) => [s.id, i]));

  const summaryRows = model.summary.map((s) => `<tr><td>${esc(s.program)}</td><td><button type="button" class="linkish" data-filter="${filterAttr({ role: s.role })}">${esc(s.role)}</button></td>`
    + `<td>${badge(verdictKey(s.verdict), ROLE_VERDICT_LABEL[s.verdict])}</td><td>${s.scenarios}</td><td>${s.passed}</td>`
    + `<td>${s.notPassed > 0 ? `<button type="button" class="linkish" data-filter="${filterAttr({ role: s.role, st: 'not-passed' })}">${s.notPassed}</button>` : '0'}</td><td>${s.findings}</td>`
    + `<td>${esc(s.failedRequirements.join(', ') || '—')}</td><td>${s.uncoveredShall.length ? `<span class="flag">⚠</span> ${esc(s.uncoveredShall.join(', '))}` : '—'}`
    + `${s.uncoveredBehaviours?.length ? `<br><span class="small">${esc(`comportamientos / behaviours: ${s.uncoveredBehaviours.join(', ')}`)}</span>` : ''}</td></tr>`).join('');
  const gaps = model.requirements.filter((r) => r.severity === 'SHALL' && r.verdict === 'not-covered');
  const matrixRows = model.requirements.map((r, i) => renderRequirementRows(r, i, roles, scenarioIndex, allScenarios)).join('');

  let idx = 0;
  const features = model.features.map((f) => `<section class="feature"><h3>${esc(f.name)} <span class="small">${esc(f.uri)}</span></h3>`
    + f.scenarios.map((s) => renderScenarioRow(s, idx++, model.program, exchangesByScenario.get(s.id) ?? [])).join('')
    + '</section>').join('');
  const statusOptions = (Object.keys(STATUS_LABEL) as ScenarioStatus[])
    .map((s) => `<option value="${esc(s)}">${esc(STATUS_LABEL[s])} (${t[s]})</option>`).join('');
  const roleOptions = roles.map((r) => `<option value="${esc(r)}">${esc(r)}</option>`).join('');
  const reqOptions = model.requirements.map((r) => `<option value="${esc(r.id)}">${esc(`${r.id} — ${r.title.es ?? r.title.en}`)}</option>`).join('');
  const evidence = model.evidence.map((e) => `<li><code>${esc(e.path)}</code> — ${esc(e.description)}</li>`).join('');
  const outputs = model.outputs.map((e) => `<li><code>${esc(e.path)}</code> — ${esc(e.description)}</li>`).join('');

  return '<!DOCTYPE html>\n<html lang="es"><head><meta charset="utf-8">'
    + `<meta http-equiv="Content-Security-Policy" content="${esc(csp)}">`
    + '<meta name="viewport" content="width=device-width, initial-scale=1">'
    + `<title>${esc(`Sello · ${model.program} · ${model.runId} · ${model.verdict}`)}</title>`
    + `<style>${CSS}</style></head><body>`
    + '<header><h1>Sello · Informe de certificación / Certification report</h1>'
    + `<dl class="meta">${meta.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`
    + integrity + redaction
    + `<section class="verdict ${ok ? 'ok' : model.verdict === 'INCONCLUSIVE' ? 'inc' : 'ko'}" id="verdict"><div class="big">${esc(model.verdict)}</div>`
    + `<p lang="es">${esc(model.verdictReason.es)}</p><p lang="en">${esc(model.verdictReason.en)}</p></section>`
    + `<div class="totals"><span>Escenarios / Scenarios: <b>${t.scenarios}</b></span><span>Aprobados / Passed: <b>${t.passed}</b></span>`
    + `<span>Fallidos / Failed: <b>${t.failed}</b></span><span>Omitidos / Skipped: <b>${t.skipped}</b></span>`
    + `<span>Indefinidos / Undefined: <b>${t.undefined}</b></span><span>Pendientes / Pending: <b>${t.pending}</b></span>`
    + `<span>Ambiguos / Ambiguous: <b>${t.ambiguous}</b></span><span>No concluyentes / Inconclusive: <b>${t.inconclusive}</b></span><span>Hallazgos / Findings: <b>${t.findings}</b></span></div></header>`
    + '<section id="summary"><h2>Por programa y rol / Per program and role</h2>'
    + '<p class="small">Un rol es CERTIFIABLE si todos sus escenarios pasaron y cada requisito SHALL que lo obliga está cubierto por un escenario de ese rol. / A role is CERTIFIABLE when all its scenarios passed and every SHALL requirement binding it is covered by a scenario of that role. '
    + 'En una ejecución de un solo rol, los demás los simula Sello y no se juzgan; NO CONCLUYENTE: errores de infraestructura, sin veredicto. / In a single-role run the other roles are played by Sello and not judged; INCONCLUSIVE: infrastructure errors, no verdict.</p>'
    + '<table><thead><tr><th>Programa / Program</th><th>Rol / Role</th><th>Veredicto / Verdict</th><th>Escenarios / Scenarios</th><th>Aprobados / Passed</th>'
    + `<th>No aprobados / Not passed</th><th>Hallazgos / Findings</th><th>Requisitos fallidos / Failed requirements</th><th>SHALL sin cobertura / SHALL not covered</th></tr></thead><tbody>${summaryRows}</tbody></table></section>`
    + '<section id="matrix"><h2>Matriz de cobertura / Coverage matrix</h2>'
    + (gaps.length > 0
      ? `<div class="note warn" id="gaps"><span class="flag">⚠</span> ${esc(`Requisitos SHALL sin ningún escenario que los cubra / SHALL requirements no scenario covers: ${gaps.map((r) => r.id).join(', ')}`)}</div>`
      : '<div class="note" id="gaps">Todo requisito SHALL está cubierto por al menos un escenario. / Every SHALL requirement is covered by at least one scenario.</div>')
    + '<p class="small">Requisito → escenarios (✓/✗ n por rol; clic para filtrar) → veredicto → evidencia (▸). / Requirement → scenarios (✓/✗ n per role; click to filter) → verdict → evidence (▸). '
    + '◌ n: no evaluado, bloqueado por otra regla o por la infraestructura (el motivo ▸ dice qué) / not assessed, blocked by another rule or by infrastructure (the reason ▸ says which).</p>'
    + '<table id="matrix-table"><thead><tr><th>Requisito / Requirement</th><th>Tipo / Kind</th><th>Fuerza / Severity</th><th>Veredicto / Verdict</th>'
    + roles.map((r) => `<th>${esc(r)}</th>`).join('')
    + `<th>Hallazgos / Findings</th></tr></thead><tbody>${matrixRows}</tbody></table></section>`
    + renderBehaviourMatrix(model, roles)
    + '<section id="scenarios"><h2>Escenarios / Scenarios</h2>'
    + '<div class="filters" role="search">'
    + `<select id="f-prog" aria-label="Programa / Program"><option value="">Programa / Program: todos / all</option><option value="${esc(model.program)}">${esc(model.program)}</option></select>`
    + `<select id="f-role" aria-label="Rol / Role"><option value="">Rol / Role: todos / all</option>${roleOptions}</select>`
    + `<select id="f-st" aria-label="Veredicto / Verdict"><option value="">Veredicto / Verdict: todos / all</option><option value="not-passed">no aprobados / not passed (${t.scenarios - t.passed})</option>${statusOptions}</select>`
    + `<select id="f-req" aria-label="Regla o requisito / Rule or requirement"><option value="">Regla / Rule: todas / all</option>${reqOptions}</select>`
    + '<input type="search" id="f-q" placeholder="Buscar / Search (nombre, etiqueta, regla)" aria-label="Buscar / Search">'
    + '<button type="button" id="f-clear">Limpiar / Clear</button> <span id="f-count" class="small" aria-live="polite"></span></div>'
    + features + '</section>'
    + `<section id="evidence"><h2>Evidencia / Evidence</h2><ul>${evidence}</ul>`
    + `<h3>Otras salidas / Other outputs</h3><ul>${outputs}</ul>`
    + `<p class="small">${esc(`report.json lista el SHA-256 de cada archivo de la ejecución y está firmado (report.json.jws, Ed25519, JWS separado). / report.json lists the SHA-256 of every file of the run and is signed (report.json.jws, Ed25519, detached JWS). Verificar / Verify: sello verify <dir>`)}</p></section>`
    + `<script type="application/json" id="sello-labels">${embedJson(LABELS)}</script>`
    + `<script>${JS}</script>`
    + '</body></html>\n';
}
