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
  if(tg){var d=$(tg.getAttribute('aria-controls'));var open=d.hidden;d.hidden=!open;tg.setAttribute('aria-expanded',String(open));tg.textContent=open?'\u25BE':'\u25B8';return;}
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
function esc6901(k){return String(k).replace(/~/g,'~0').replace(/\//g,'~1');}
function deepest(doc,p){var t=toks(p);if(!t)return null;var cur=doc,ok='';for(var i=0;i<t.length;i++){var k=t[i];
  if(Array.isArray(cur)){if(!/^(0|[1-9][0-9]*)$/.test(k)||+k>=cur.length)return ok;cur=cur[+k];}
  else if(cur&&typeof cur==='object'&&Object.prototype.hasOwnProperty.call(cur,k)){cur=cur[k];}else return ok;
  ok+='/'+esc6901(k);}return ok;}
/* Pretty JSON with <mark> around the members the marks map names (pointer -> class). */
function jsonPre(v,marks){
  var pre=el('pre','json'),stack=[pre],buf='';
  function flush(){if(buf){stack[stack.length-1].appendChild(D.createTextNode(buf));buf='';}}
  function open(c,p){flush();var m=el('mark',c);m.title=p===''?LBL.wholeMessage:p;stack[stack.length-1].appendChild(m);stack.push(m);}
  function close(){flush();stack.pop();}
  function ser(x,ind,p,skip){var c=!skip&&Object.prototype.hasOwnProperty.call(marks,p)?marks[p]:null;if(c)open(c,p);
    if(x===null||typeof x!=='object')buf+=JSON.stringify(x);
    else if(Array.isArray(x)){if(!x.length)buf+='[]';else{buf+='[\n';for(var i=0;i<x.length;i++){buf+=ind+'  ';ser(x[i],ind+'  ',p+'/'+i,false);buf+=(i<x.length-1?',':'')+'\n';}buf+=ind+']';}}
    else{var ks=Object.keys(x);if(!ks.length)buf+='{}';else{buf+='{\n';for(var j=0;j<ks.length;j++){var k=ks[j],kp=p+'/'+esc6901(k),kc=Object.prototype.hasOwnProperty.call(marks,kp)?marks[kp]:null;buf+=ind+'  ';
      if(kc){open(kc,kp);buf+=JSON.stringify(k)+': ';ser(x[k],ind+'  ',kp,true);close();}else{buf+=JSON.stringify(k)+': ';ser(x[k],ind+'  ',kp,false);}
      buf+=(j<ks.length-1?',':'')+'\n';}buf+=ind+'}';}}
    if(c)close();}
  ser(v,'','',false);flush();return pre;}
function bodyPre(body,marks){
  if(body===undefined)return el('pre','',LBL.noBody);
  if(typeof body==='string'){var pre=el('pre');if(marks['']!==undefined){var m=el('mark',marks['']);m.textContent=body.replace(/\r\n?/g,'\n');pre.appendChild(m);}else pre.textContent=body.replace(/\r\n?/g,'\n');return pre;}
  return jsonPre(body,marks);}
function headersPre(h){if(!h||typeof h!=='object')return null;var k=Object.keys(h);if(!k.length)return null;return el('pre','',k.map(function(n){var v=h[n];return n+': '+(typeof v==='string'?v:JSON.stringify(v));}).join('\n'));}
function pathOf(u){try{var x=new URL(u,'http://x');return x.pathname+(x.search||'');}catch(e){return u||'';}}
function acuseOf(b){return b&&typeof b==='object'&&b.acuse&&typeof b.acuse==='object'?b.acuse:null;}
function reqLabel(x){return (x.method||String(x.protocol||'').toUpperCase())+' '+pathOf(x.url);}
function resLabel(x){if(x.error!==undefined&&x.status===undefined)return '\u2717 '+String(x.error).slice(0,40);var rb=x.response&&x.response.body;if(x.status===undefined&&typeof rb==='string'){var ack=/(?:^|\r)MSA\|([A-Z]{2})/.exec(rb);if(ack)return 'MSA '+ack[1];}var a=acuseOf(rb);return (x.status!==undefined?String(x.status):'\u2014')+(a?' '+(a.estatus||'')+(a.codigo?' '+a.codigo:''):'');}
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
      var head=el('div');head.appendChild(badge(f.severity,f.severity));head.appendChild(D.createTextNode(' '));head.appendChild(el('b','',f.ruleId));head.appendChild(D.createTextNode(' \u00B7 '+f.code+' \u00B7 '));head.appendChild(el('span','loc',f.location===''?LBL.wholeMessage:f.location));head.appendChild(el('span','small',' '+f.locationKind));box.appendChild(head);
      if(f.message.es)box.appendChild(el('div','',f.message.es)).lang='es';
      box.appendChild(el('div',f.message.es?'small':'',f.message.en)).lang='en';
      if(f.x>=0){var x=d.exchanges[f.x],side=f.side||'response',msg=side==='request'?x.request:x.response;
        var cap=el('div','small');cap.appendChild(D.createTextNode((side==='request'?LBL.request:LBL.response)+' \u2014 '+(f.x+1)+'. '+reqLabel(x)+' \u2192 '+resLabel(x)+' \u00B7 '+x.from+' \u2192 '+x.to+' \u00B7 '));
        var jump=el('button','linkish',LBL.exchange);jump.type='button';jump.addEventListener('click',function(){showExchange(b,i,f.x);});cap.appendChild(jump);box.appendChild(cap);
        if(f.locationKind==='json-pointer'&&msg&&typeof msg.body==='object'&&msg.body!==null&&deepest(msg.body,f.location)!==f.location)box.appendChild(el('div','small',LBL.missing));
        box.appendChild(bodyPre(msg?msg.body:undefined,marksFor(d,f.x,side,fi)));}
      else box.appendChild(el('div','small',LBL.noExchange));
      b.appendChild(box);});}
  if(d.steps.length){b.appendChild(el('h4','',LBL.steps));var ol=el('ol','steps');d.steps.forEach(function(s){var li=el('li','st-'+s.status);li.appendChild(el('b','',s.keyword));li.appendChild(D.createTextNode(' '+s.text+' '));li.appendChild(el('span','small',LBL.status[s.status]+' \u00B7 '+s.ms));if(s.error)li.appendChild(el('pre','',s.error));ol.appendChild(li);});b.appendChild(ol);}
  if(d.exchanges.length){b.appendChild(el('h4','',LBL.sequence));b.appendChild(seq(d.exchanges,bad,function(k){showExchange(b,i,k);}));
    b.appendChild(el('h4','',LBL.exchanges+' ('+d.exchanges.length+')'));
    d.exchanges.forEach(function(x,k){var det=el('details','x'+(bad[k]?' bad':''));det.id='x-'+i+'-'+k;
      det.appendChild(el('summary','',(k+1)+'. '+reqLabel(x)+' \u2192 '+resLabel(x)+(x.messageId?' \u00B7 messageId '+x.messageId:'')+' \u00B7 '+x.from+' \u2192 '+x.to));
      det.addEventListener('toggle',function(){if(!det.open||det.getAttribute('data-built'))return;det.setAttribute('data-built','1');
        det.appendChild(el('div','small','id '+x.id+' \u00B7 '+(x.protocol||'?')+(x.observedBy?' \u00B7 '+x.observedBy:'')+' \u00B7 '+(x.startedAt||'')+' \u2013 '+(x.finishedAt||'')));
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
  parts.forEach(function(p){var x=X(p);n('line',{x1:x,y1:34,x2:x,y2:H-6,'class':'life'});n('rect',{x:x-88,y:6,width:176,height:26,rx:4,'class':'pbox'});txt(p.length>26?p.slice(0,25)+'\u2026':p,x,24);});
  function arrow(g,x1,x2,y,ret){if(x1===x2){n('path',{d:'M'+x1+' '+(y-8)+' h34 v16 h-30','class':ret?'ret':''},g);n('polygon',{points:(x1+4)+','+(y+8)+' '+(x1+12)+','+(y+4)+' '+(x1+12)+','+(y+12)},g);return;}
    n('line',{x1:x1,y1:y,x2:x2,y2:y,'class':ret?'ret':''},g);var dir=x2>x1?-1:1;n('polygon',{points:x2+','+y+' '+(x2+dir*9)+','+(y-4)+' '+(x2+dir*9)+','+(y+4)},g);}
  xs.forEach(function(x,k){var g=n('g',{'class':'msg'+(bad[k]?' bad':''),tabindex:0,role:'button','data-x':k});
    var a=X(x.from),b2=X(x.to),y=top+k*rowH+12,mid=a===b2?a+40:(a+b2)/2,anchor=a===b2?'start':'middle';
    var t=n('title',{},g);t.textContent=(k+1)+'. '+reqLabel(x)+' \u2192 '+resLabel(x);
    arrow(g,a,b2,y,false);txt((k+1)+'. '+(function(s){return s.length>34?s.slice(0,33)+'\u2026':s;})(reqLabel(x)),mid,y-5,anchor,g);
    if(x.response||x.status!==undefined||x.error!==undefined){arrow(g,b2,a,y+22,true);txt(resLabel(x),mid,y+17,anchor,g);}
    g.addEventListener('click',function(){onPick(k);});g.addEventListener('keydown',function(e){if(e.key==='Enter'||e.key===' '){e.preventDefault();onPick(k);}});});
  return svg;}
var opened=[];
window.addEventListener('beforeprint',function(){items.forEach(function(it){if(!it.el.hidden&&it.el.getAttribute('data-open')!=='1'){toggle(it.el);opened.push(it.el);}});});
window.addEventListener('afterprint',function(){opened.forEach(function(r){toggle(r);});opened=[];});
apply();
D.documentElement.setAttribute('data-ready','1');
})();
